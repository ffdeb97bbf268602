import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// The generated 300-item checklist of issue 15, the shape the peer engines were measured on:
// 10 sections of 30 items; in each, 21 judgement items (符合/基本符合/不符合/不适用, 70%),
// 6 numbers held to a ≤ 60 rule (20%) and 3 notes (10%), each note a follow-up shown when the
// judgement item before it is 不符合 (10% follow-ups). The answers bench answers 不符合 to one
// judgement in ten, so some follow-ups open as it goes. Published into the bench server's
// library with `dudao-server template publish`, as an office would.

export const FORM_ID = 'bench300';
const BASIS = '{ document = "中小学校责任督学挂牌督导办法", number = "国教督办〔2013〕2号", year = 2013 }';

function item(code: string, i: number, s: number, prev: string | null): string {
  const k = i % 10;
  const lines = ['[[sections.items]]', `code = "${code}"`];
  if (k <= 6) {
    lines.push(`prompt = { zh = "第${s + 1}部分第${i + 1}项：建立并落实相关管理制度", en = "Part ${s + 1}, item ${i + 1}: rules in place and followed" }`,
      `help.zh = "查阅制度文本和近一学期的落实记录，访谈分管负责人。"`,
      `basis = [${BASIS}]`, 'answer = { kind = "compliance" }', 'required = true');
  } else if (k <= 8) {
    lines.push(`prompt = { zh = "第${s + 1}部分第${i + 1}项：平均用时", en = "Part ${s + 1}, item ${i + 1}: average minutes" }`,
      `help.zh = "随机询问3至5名学生，取平均值，按分钟填写。"`,
      `basis = [${BASIS}]`, 'answer = { kind = "number", unit = { zh = "分钟", en = "min" }, min = 0, max = 600 }',
      'required = true', 'rule = "bench_minutes"');
  } else {
    lines.push(`prompt = { zh = "第${s + 1}部分第${i + 1}项：存在的问题", en = "Part ${s + 1}, item ${i + 1}: what is wrong" }`,
      `help.zh = "写明现场看到的问题和涉及的班级、人数。"`,
      `basis = [${BASIS}]`, 'answer = { kind = "text" }', `show_if = "failed(${prev})"`);
  }
  return lines.join('\n');
}

/** The template as TOML. */
export function form300Toml(): string {
  const out = [
    `id = "${FORM_ID}"`, 'version = 1', 'kind = "基准测试"',
    'title = { zh = "基准测试：300项督导清单", en = "Benchmark: a 300-item checklist" }',
    '',
    '[[rules]]', 'id = "bench_minutes"', 'measure = { zh = "平均用时", en = "Average minutes" }',
    `basis = [${BASIS}]`,
    'bands = [{ label = { zh = "各年级", en = "All grades" }, max = 60 }]',
  ];
  for (let s = 0; s < 10; s++) {
    out.push('', '[[sections]]', `code = "B${s + 1}"`,
      `title = { zh = "第${s + 1}部分", en = "Part ${s + 1}" }`);
    let lastJudged: string | null = null;
    for (let i = 0; i < 30; i++) {
      const code = `BENCH-${s + 1}-${String(i + 1).padStart(2, '0')}`;
      out.push('', item(code, i, s, lastJudged));
      if (i % 10 <= 6) lastJudged = code;
    }
  }
  return out.join('\n') + '\n';
}

/** Publishes the form into the library of the server the benches run against (its SQLite file
 *  under e2e/test-results), with the release server binary's `template publish`. */
export function publishForm300(): void {
  const e2e = path.join(__dirname, '..');
  const file = path.join(e2e, 'test-results', 'bench300.toml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, form300Toml());
  execFileSync(path.join(e2e, '..', 'target', 'release', 'dudao-server'),
    ['template', 'publish', file, '--database', path.join(e2e, 'test-results', 'e2e.sqlite')],
    { stdio: 'pipe' });
}
