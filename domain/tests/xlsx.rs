//! Excel import and export of templates (feature `xlsx`): every built-in template round-trips,
//! a workbook typed by hand imports, and every kind of mistake is reported on its sheet, row
//! and column.
//!
//! Run with `cargo test -p dudao-domain --features xlsx --test xlsx`.
#![cfg(feature = "xlsx")]

use dudao_domain::local::LocalThresholds;
use dudao_domain::xlsx::{export, import, ExportError};
use dudao_domain::{builtin, Template};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

// ---------------------------------------------------------------------------------------------
// Round trip
// ---------------------------------------------------------------------------------------------

#[test]
fn every_builtin_template_round_trips() {
    let templates = builtin::templates().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
    assert!(!templates.is_empty());
    for t in templates {
        let bytes = export(&t).unwrap_or_else(|e| panic!("{}: {e}", t.id));
        let back = import(&bytes).unwrap_or_else(|e| panic!("{}:\n{e}", t.id));
        assert_eq!(back, t, "{} does not read back the same", t.id);
        // And again: the second export is the same workbook content.
        assert_eq!(import(&export(&back).unwrap()).unwrap(), t);
    }
}

/// Template files not (yet) built in: every one that is valid round-trips too.
#[test]
fn every_valid_template_file_round_trips() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../templates");
    let mut done = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let Ok(t) = Template::from_toml(&std::fs::read_to_string(&path).unwrap()) else {
            continue;
        };
        let back = import(&export(&t).unwrap()).unwrap_or_else(|e| panic!("{path:?}:\n{e}"));
        assert_eq!(back, t, "{path:?}");
        done.push(t.id);
    }
    eprintln!("round-tripped {done:?}");
    assert!(done.len() >= builtin::SOURCES.len(), "{done:?}");
}

#[test]
fn a_local_edition_is_not_exported() {
    let wuxiang = builtin::templates()
        .unwrap()
        .into_iter()
        .find(|t| t.id == "wuxiang")
        .unwrap();
    let local = LocalThresholds::from_toml(
        r#"
template = "wuxiang"
version = 1
district = "清河县"
edition = 2

[[changes]]
rule = "daily_activity_minutes"
band = "中小学"
min = 120
basis = { document = "清河县关于保障中小学生每天综合体育活动时间的通知", year = 2025 }
"#,
    )
    .unwrap()
    .apply(&wuxiang)
    .unwrap();
    let err = export(&local).unwrap_err();
    assert!(matches!(err, ExportError::LocalEdition { edition: 2, .. }));
    assert!(err.to_string().contains("清河县.2"), "{err}");
}

#[test]
fn export_refuses_what_would_not_read_back() {
    let mut t = Template::from_toml(CLERK_TOML).unwrap();
    t.sections[1].items[1].answer = dudao_domain::AnswerKind::Choice {
        options: vec![
            option("a", "甲 / 乙", ""),
            option("b", "丙\n丁", ""),
            option("c", "戊", ""),
        ],
        multiple: false,
    };
    t.rules[0].basis[0].document = "《已带书名号》".into();
    let err = export(&t).unwrap_err().to_string();
    assert!(err.contains("rule morning_start, basis[0]"), "{err}");
    assert!(err.contains("item XX-ZY-02, answer.options[0]"), "{err}");
    assert!(err.contains("item XX-ZY-02, answer.options[1]"), "{err}");
    assert!(!err.contains("options[2]"), "{err}");
}

fn option(code: &str, zh: &str, en: &str) -> dudao_domain::template::ChoiceOption {
    dudao_domain::template::ChoiceOption {
        code: code.into(),
        label: dudao_domain::Text::new(zh, en),
        noncompliant: false,
    }
}

// ---------------------------------------------------------------------------------------------
// A workbook as an office clerk types it
// ---------------------------------------------------------------------------------------------

/// A cell as Excel stores what was typed.
#[derive(Clone, Debug)]
enum C {
    S(String),
    N(f64),
    /// A time cell (typing 8:20 in Excel).
    T(u8, u8),
    /// A date cell (typing 3-6 in a General cell gives 3月6日).
    D(u16, u8, u8),
    E,
}

fn s(v: &str) -> C {
    C::S(v.into())
}

struct Book(Vec<(String, Vec<Vec<C>>)>);

impl Book {
    fn sheet(&mut self, name: &str) -> &mut Vec<Vec<C>> {
        &mut self
            .0
            .iter_mut()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no sheet {name}"))
            .1
    }

    /// Sets a cell by its Excel address: row 1-based, column letter.
    fn set(&mut self, sheet: &str, row: usize, col: &str, value: C) -> &mut Self {
        let col = col
            .bytes()
            .fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize)
            - 1;
        let rows = self.sheet(sheet);
        while rows.len() < row {
            rows.push(Vec::new());
        }
        let r = &mut rows[row - 1];
        while r.len() <= col {
            r.push(C::E);
        }
        r[col] = value;
        self
    }

    fn bytes(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let time = Format::new().set_num_format("hh:mm");
        let date = Format::new().set_num_format("m月d日");
        for (name, rows) in &self.0 {
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match cell {
                        C::S(v) => {
                            ws.write_string(r, c, v).unwrap();
                        }
                        C::N(n) => {
                            ws.write_number(r, c, *n).unwrap();
                        }
                        C::T(h, m) => {
                            let day = (f64::from(*h) * 60.0 + f64::from(*m)) / 1440.0;
                            ws.write_number_with_format(r, c, day, &time).unwrap();
                        }
                        C::D(y, m, d) => {
                            let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                            ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                        }
                        C::E => {}
                    }
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn errors(&self) -> Vec<String> {
        match import(&self.bytes()) {
            Ok(_) => panic!("the workbook imported without errors"),
            Err(e) => e.0.iter().map(ToString::to_string).collect(),
        }
    }
}

const SLEEP: &str =
    "《教育部办公厅关于进一步加强中小学生睡眠管理工作的通知》（教基厅函〔2021〕11号，2021年）";
const HOMEWORK: &str =
    "《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》（2021年）第五条";
const PE: &str = "《教育部办公厅关于进一步加强中小学生体质健康管理工作的通知》（2021年）";
const LOCAL: &str = "〔地方〕《某市中小学作息时间管理规定》（2023年）第三条";
const SAFETY: &str = "《中小学幼儿园安全防范工作规范（试行）》（公治〔2015〕168号，2015年）第九条";

/// What the clerk means (the same template written as TOML).
const CLERK_TOML: &str = r#"
id = "xiaoxue"
version = 1
kind = "专项督导"
title = { zh = "小学作息与作业专项检查" }

[[rules]]
id = "morning_start"
measure = { zh = "上午第一节课开始时间" }
basis = [{ document = "教育部办公厅关于进一步加强中小学生睡眠管理工作的通知", number = "教基厅函〔2021〕11号", year = 2021 }]
bands = [{ grades = [1, 6], label = { zh = "小学" }, not_before = "08:20" }]

[[rules]]
id = "homework_minutes"
measure = { zh = "书面作业平均完成时间" }
basis = [{ document = "关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见", year = 2021, article = "第五条" }]
bands = [{ grades = [3, 6], label = { zh = "三至六年级", en = "Grades 3–6" }, max = 60 }]

[[rules]]
id = "pe_periods"
measure = { zh = "每周体育与健康课课时" }
basis = [{ document = "教育部办公厅关于进一步加强中小学生体质健康管理工作的通知", year = 2021 }]
bands = [
  { grades = [1, 2], label = { zh = "一二年级" }, min = 4 },
  { grades = [3, 6], label = { zh = "三至六年级" }, min = 3 },
]

[[rules]]
id = "guards"
measure = { zh = "专职保安人数" }
basis = [{ document = "中小学幼儿园安全防范工作规范（试行）", number = "公治〔2015〕168号", year = 2015, article = "第九条" }]
bands = [
  { grades = [0, 12], enrolment = { from = 1000 }, label = { zh = "在校生1000人以上" }, min = 2, step = { over = 1000, per = 500, add = 1 } },
  { grades = [0, 12], enrolment = { to = 999 }, label = { zh = "在校生999人及以下" }, min = 1 },
]

[[sections]]
code = "ZX"
title = { zh = "作息管理", en = "Daily schedule" }

[[sections.items]]
code = "XX-ZX-01"
prompt = { zh = "上午第一节课开始时间" }
basis = [{ document = "教育部办公厅关于进一步加强中小学生睡眠管理工作的通知", number = "教基厅函〔2021〕11号", year = 2021 }]
answer = { kind = "time" }
required = true
rule = "morning_start"
grades = [1, 6]

[[sections.items]]
code = "XX-ZX-02"
prompt = { zh = "是否安排晚自习" }
help = { zh = "查看作息时间表。" }
basis = [{ document = "教育部办公厅关于进一步加强中小学生睡眠管理工作的通知", number = "教基厅函〔2021〕11号", year = 2021 }]
answer = { kind = "yes_no" }
boarding = true
grades = [1, 6]

[[sections.items]]
code = "XX-ZX-03"
prompt = { zh = "晚自习结束时间及安排" }
basis = [{ document = "某市中小学作息时间管理规定", year = 2023, article = "第三条", local = true }]
answer = { kind = "text" }
show_if = "XX-ZX-02 = 是"
grades = [1, 6]

[[sections]]
code = "ZY"
title = { zh = "作业管理" }

[[sections.items]]
code = "XX-ZY-01"
prompt = { zh = "三至六年级书面作业平均完成时间", en = "Grades 3–6: written homework time" }
basis = [{ document = "关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见", year = 2021, article = "第五条" }]
answer = { kind = "number", unit = { zh = "分钟", en = "min" }, min = 0, max = 600 }
required = true
rule = "homework_minutes"
grades = [3, 6]

[[sections.items]]
code = "XX-ZY-02"
prompt = { zh = "作业公示渠道" }
basis = [{ document = "关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见", year = 2021, article = "第五条" }]
answer = { kind = "choice", multiple = true, options = [
  { code = "gongshi", label = { zh = "班级公示栏", en = "Notice board" } },
  { code = "qun", label = { zh = "家长群" } },
  { code = "wu", label = { zh = "未公示" }, noncompliant = true },
] }
required = true
evidence = "photo_when_noncompliant"
severity = "重大"
grades = [1, 6]
stages = ["小学", "九年一贯制"]

[[sections.items]]
code = "XX-ZY-03"
prompt = { zh = "一二年级每周体育课课时" }
basis = [{ document = "教育部办公厅关于进一步加强中小学生体质健康管理工作的通知", year = 2021 }]
answer = { kind = "count", unit = { zh = "课时" }, min = 0, max = 40 }
required = true
rule = "pe_periods"
grades = [1, 2]

[[sections]]
code = "AQ"
title = { zh = "安全保卫" }

[[sections.items]]
code = "XX-AQ-01"
prompt = { zh = "专职保安人数" }
basis = [{ document = "中小学幼儿园安全防范工作规范（试行）", number = "公治〔2015〕168号", year = 2015, article = "第九条" }]
answer = { kind = "count", unit = { zh = "人" }, max = 200 }
rule = "guards"
facilities = ["食堂"]
"#;

/// The clerk's workbook: no English columns except a few, a 备注 column, section names only
/// on a section's first row and 分区代码 left blank below it, numbers typed as numbers, a time
/// typed as a time, grades typed as 3–6 and one Excel turned into a date, and a title row
/// above the header of 规则.
fn clerk() -> Book {
    let r = |cells: &[C]| cells.to_vec();
    let items = vec![
        r(&[
            s("分区代码"),
            s("分区名称"),
            s("编码"),
            s("题目"),
            s("答题方式"),
            s("单位"),
            s("最小值"),
            s("最大值"),
            s("选项"),
            s("规则"),
            s("年级"),
            s("学段"),
            s("寄宿"),
            s("必答"),
            s("显示条件"),
            s("佐证"),
            s("严重程度"),
            s("依据"),
            s("备注"),
            s("分区名称（英文）"),
            s("题目（英文）"),
            s("单位（英文）"),
            s("说明"),
        ]),
        // 2
        r(&[
            s("ZX"),
            s("作息管理"),
            s("XX-ZX-01"),
            s("上午第一节课开始时间"),
            s("时间"),
            C::E,
            C::E,
            C::E,
            C::E,
            s("morning_start"),
            s("1-6"),
            C::E,
            C::E,
            s("是"),
            C::E,
            C::E,
            C::E,
            s(SLEEP),
            s("看课表"),
            s("Daily schedule"),
        ]),
        // 3
        r(&[
            C::E,
            C::E,
            s("XX-ZX-02"),
            s("是否安排晚自习"),
            s("是否"),
            C::E,
            C::E,
            C::E,
            C::E,
            C::E,
            s("1-6"),
            C::E,
            s("是"),
            s("否"),
            C::E,
            s("无"),
            s("一般"),
            s(SLEEP),
            C::E,
            C::E,
            C::E,
            C::E,
            s("查看作息时间表。"),
        ]),
        // 4
        r(&[
            C::E,
            C::E,
            s("XX-ZX-03"),
            s("晚自习结束时间及安排"),
            s("文本"),
            C::E,
            C::E,
            C::E,
            C::E,
            C::E,
            s("1-6"),
            C::E,
            C::E,
            C::E,
            s("XX-ZX-02 = 是"),
            C::E,
            C::E,
            s(LOCAL),
        ]),
        // 5
        r(&[
            s("ZY"),
            s("作业管理"),
            s("XX-ZY-01"),
            s("三至六年级书面作业平均完成时间"),
            s("数值"),
            s("分钟"),
            C::N(0.0),
            C::N(600.0),
            C::E,
            s("homework_minutes"),
            s("3–6"),
            C::E,
            C::E,
            s("是"),
            C::E,
            C::E,
            C::E,
            s(HOMEWORK),
            C::E,
            C::E,
            s("Grades 3–6: written homework time"),
            s("min"),
        ]),
        // 6
        r(&[
            s("ZY"),
            C::E,
            s("XX-ZY-02"),
            s("作业公示渠道"),
            s("多选"),
            C::E,
            C::E,
            C::E,
            s("gongshi：班级公示栏 / Notice board\nqun:家长群\n\nwu：未公示（不符合）"),
            C::E,
            s("1-6"),
            s("小学、九年一贯制"),
            C::E,
            s("是"),
            C::E,
            s("不符合时拍照"),
            s("重大"),
            s(HOMEWORK),
        ]),
        // 7
        r(&[
            s("ZY"),
            C::E,
            s("XX-ZY-03"),
            s("一二年级每周体育课课时"),
            s("计数"),
            s("课时"),
            C::N(0.0),
            C::N(40.0),
            C::E,
            s("pe_periods"),
            C::D(2025, 1, 2),
            C::E,
            C::E,
            s("是"),
            C::E,
            C::E,
            C::E,
            s(PE),
        ]),
        // 8
        r(&[
            s("AQ"),
            s("安全保卫"),
            s("XX-AQ-01"),
            s("专职保安人数"),
            s("计数"),
            s("人"),
            C::E,
            C::N(200.0),
            C::E,
            s("guards"),
            C::E,
            C::E,
            C::E,
            C::E,
            C::E,
            C::E,
            C::E,
            s(SAFETY),
        ]),
    ];
    let mut items = items;
    // 设施 typed at the far right, after a gap column.
    items[0].extend([C::E, s("设施")]);
    items[7].resize(24, C::E);
    items[7].push(s("食堂"));
    let rules = vec![
        r(&[s("阈值规则（一行一个档位）")]),
        // 2
        r(&[
            s("规则编号"),
            s("测量"),
            s("依据"),
            s("年级"),
            s("在校生"),
            s("档位"),
            s("下限"),
            s("上限"),
            s("递增"),
            s("不早于"),
            s("不晚于"),
            s("档位(英文)"),
        ]),
        // 3
        r(&[
            s("morning_start"),
            s("上午第一节课开始时间"),
            s(SLEEP),
            s("1-6"),
            C::E,
            s("小学"),
            C::E,
            C::E,
            C::E,
            C::T(8, 20),
        ]),
        // 4
        r(&[
            s("homework_minutes"),
            s("书面作业平均完成时间"),
            s(HOMEWORK),
            s("3-6"),
            C::E,
            s("三至六年级"),
            C::E,
            C::N(60.0),
            C::E,
            C::E,
            C::E,
            s("Grades 3–6"),
        ]),
        // 5
        r(&[
            s("pe_periods"),
            s("每周体育与健康课课时"),
            s(PE),
            s("1-2"),
            C::E,
            s("一二年级"),
            C::N(4.0),
        ]),
        // 6: the same rule, rule-level cells left blank
        r(&[C::E, C::E, C::E, s("3-6"), C::E, s("三至六年级"), s("3")]),
        // 7
        r(&[
            s("guards"),
            s("专职保安人数"),
            s(SAFETY),
            C::E,
            s("1000人以上"),
            s("在校生1000人以上"),
            C::N(2.0),
            C::E,
            s("超出1000人每500人加1"),
        ]),
        // 8: repeats the rule's measure, as a clerk copying the row would
        r(&[
            s("guards"),
            s("专职保安人数"),
            C::E,
            C::E,
            s("999以下"),
            s("在校生999人及以下"),
            C::N(1.0),
        ]),
    ];
    let template = vec![
        r(&[s("字段"), s("值")]),
        r(&[s("编号"), s("xiaoxue")]),
        r(&[s("版本"), C::N(1.0)]),
        r(&[s("类别"), s("专项督导")]),
        r(&[s("标题"), s("小学作息与作业专项检查")]),
    ];
    // The clerk put 检查项 first.
    Book(vec![
        ("检查项".into(), items),
        ("模板".into(), template),
        ("规则".into(), rules),
    ])
}

#[test]
fn a_workbook_typed_by_hand_imports() {
    let got = import(&clerk().bytes()).unwrap_or_else(|e| panic!("{e}"));
    let want = Template::from_toml(CLERK_TOML).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got, want);
    // And it exports and reads back as it is.
    assert_eq!(import(&export(&got).unwrap()).unwrap(), want);
    // A title row above 字段 | 值 is skipped.
    let mut book = clerk();
    book.sheet("模板").insert(0, vec![s("模板信息")]);
    assert_eq!(import(&book.bytes()).unwrap(), want);
}

#[test]
fn the_rules_sheet_may_be_left_out_of_a_template_without_thresholds() {
    let mut book = clerk();
    book.0.retain(|(n, _)| n != "规则");
    // Items still refer to rules, so validation names them; nothing else is wrong.
    let errs = book.errors();
    assert!(
        errs.iter().all(|e| e.contains("refers to unknown rule")),
        "{errs:#?}"
    );
    assert_eq!(errs.len(), 4, "{errs:#?}");
}

// ---------------------------------------------------------------------------------------------
// Mistakes, each reported where it is
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn assert_has(errs: &[String], want: &str) {
    assert!(
        errs.iter().any(|e| e == want),
        "expected\n  {want}\namong\n  {}",
        errs.join("\n  ")
    );
}

#[track_caller]
fn assert_has_prefix(errs: &[String], want: &str) {
    assert!(
        errs.iter().any(|e| e.starts_with(want)),
        "expected a line starting\n  {want}\namong\n  {}",
        errs.join("\n  ")
    );
}

#[test]
fn garbage_and_empty_files_give_one_clear_error() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"",
            "workbook: the file is empty; expected an Excel workbook (.xlsx)",
        ),
        (
            b"id = \"wuxiang\"\nversion = 1\n",
            "workbook: not an Excel workbook (.xlsx): the file is not a zip archive",
        ),
        (
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            "workbook: this is an old Excel 97-2003 .xls file",
        ),
        (
            b"PK\x03\x04 not really a zip",
            "workbook: not an Excel workbook (.xlsx), or the file is damaged",
        ),
        (
            &[0xFF; 4096],
            "workbook: not an Excel workbook (.xlsx): the file is not a zip archive",
        ),
    ];
    for (bytes, want) in cases {
        let errs = import(bytes).unwrap_err();
        assert_eq!(errs.0.len(), 1, "{errs}");
        assert!(errs.to_string().starts_with(want), "{errs}");
    }
    // A damaged workbook: the real thing cut in half.
    let whole = clerk().bytes();
    let errs = import(&whole[..whole.len() / 2]).unwrap_err();
    assert_eq!(errs.0.len(), 1, "{errs}");
    assert!(errs.to_string().starts_with("workbook: "), "{errs}");
}

#[test]
fn a_missing_sheet_is_named() {
    let mut book = clerk();
    book.0[0].0 = "Sheet1".into();
    assert_eq!(
        book.errors(),
        ["sheet 检查项: missing sheet 检查项; the workbook has sheets: Sheet1, 模板, 规则"]
    );
}

#[test]
fn a_missing_or_unknown_header_is_named() {
    let mut book = clerk();
    book.set("检查项", 1, "D", s("问题"));
    let errs = book.errors();
    assert_has(&errs, "sheet 检查项, row 1: missing column 题目");
    assert_has_prefix(
        &errs,
        "sheet 检查项, row 1, column D (问题): unknown column \"问题\"; the columns are 分区代码, ",
    );
    assert_eq!(errs.len(), 2, "{errs:#?}");

    let mut book = clerk();
    book.set("规则", 2, "B", C::E);
    assert_eq!(book.errors(), ["sheet 规则, row 2: missing column 测量"]);

    let mut book = clerk();
    book.set("模板", 3, "A", s("版次"));
    let errs = book.errors();
    assert_has(
        &errs,
        "sheet 模板: missing field 版本 (a row with 版本 in column 字段)",
    );
    assert_has_prefix(
        &errs,
        "sheet 模板, row 3, column A (版次): unknown field \"版次\"",
    );
}

#[test]
fn bad_cells_are_reported_by_row_and_column() {
    let cases: &[(&str, usize, &str, C, &str)] = &[
        ("模板", 3, "B", s("三"), "sheet 模板, row 3, column B (版本): expected a whole number, got \"三\""),
        ("模板", 3, "B", C::N(1.5), "sheet 模板, row 3, column B (版本): expected a whole number, got \"1.5\""),
        ("检查项", 2, "E", s("打分"), "sheet 检查项, row 2, column E (答题方式): unknown answer kind \"打分\"; expected one of 符合度, 是否, 是否（是为符合）, 是否（否为符合）, 数值, 计数, 时间, 单选, 多选, 文本, 照片"),
        ("检查项", 2, "E", C::E, "sheet 检查项, row 2, column E (答题方式): 答题方式 is empty; expected one of 符合度, 是否, 是否（是为符合）, 是否（否为符合）, 数值, 计数, 时间, 单选, 多选, 文本, 照片"),
        ("检查项", 5, "G", s("零"), "sheet 检查项, row 5, column G (最小值): expected a number, got \"零\""),
        ("检查项", 5, "K", s("三至六"), "sheet 检查项, row 5, column K (年级): expected grades like 3-6 (or one grade like 5), got \"三至六\""),
        ("检查项", 6, "L", s("小学、中专"), "sheet 检查项, row 6, column L (学段): unknown stage \"中专\"; expected 幼儿园、小学、初中、高中、九年一贯制、完全中学"),
        ("检查项", 3, "M", s("有时"), "sheet 检查项, row 3, column M (寄宿): expected 是 (or 寄宿) or 否 (or 走读), got \"有时\""),
        ("检查项", 2, "N", s("必须"), "sheet 检查项, row 2, column N (必答): expected 是 (or 必答) or 否 (or 选答), got \"必须\""),
        ("检查项", 3, "P", s("录像"), "sheet 检查项, row 3, column P (佐证): expected 无, 不符合时拍照 or 必须拍照, got \"录像\""),
        ("检查项", 3, "Q", s("严重"), "sheet 检查项, row 3, column Q (严重程度): expected 一般 or 重大, got \"严重\""),
        ("检查项", 8, "Y", s("食堂、操场"), "sheet 检查项, row 8, column Y (设施): unknown facility \"操场\"; expected 校车、食堂、危化品、周边水域"),
        ("检查项", 2, "R", s("《某通知》"), "sheet 检查项, row 2, column R (依据): basis line 1: no year in brackets after the title in \"《某通知》\"; write 《文件名称》（文号，2021年）条款 or 《文件名称》（2021年）"),
        ("检查项", 2, "R", s(&format!("{SLEEP}\n《某通知（2021年）")), "sheet 检查项, row 2, column R (依据): basis line 2: the title opened with 《 is never closed with 》 in \"《某通知（2021年）\""),
        ("检查项", 6, "I", s("gongshi：班级公示栏\n家长群"), "sheet 检查项, row 6, column I (选项): option line 2: expected 代码：名称, e.g. gongyong：校内公用电话 / Public phone, got \"家长群\""),
        ("检查项", 3, "F", s("次"), "sheet 检查项, row 3, column F (单位): a unit is only used by 数值 and 计数 items; leave this cell blank for a 是否 item"),
        ("检查项", 3, "H", C::N(10.0), "sheet 检查项, row 3, column H (最大值): 最小值 and 最大值 bound what is typed into 数值, 计数 and 时间 items only; leave this cell blank for a 是否 item"),
        ("检查项", 7, "H", C::N(3.5), "sheet 检查项, row 7, column H (最大值): expected a whole number, got \"3.5\""),
        ("检查项", 2, "I", s("a：是\nb：否"), "sheet 检查项, row 2, column I (选项): options are only used by 单选 and 多选 items; leave this cell blank for a 时间 item"),
        ("检查项", 2, "D", C::D(2025, 3, 6), "sheet 检查项, row 2, column D (题目): expected text, got a date or time (Excel converted what was typed; format the cell as Text (文本) and type it again)"),
        ("规则", 3, "J", s("8.20"), "sheet 规则, row 3, column J (不早于): expected a time of day as HH:MM (e.g. 08:20), got \"8.20\""),
        ("规则", 3, "J", C::N(8.2), "sheet 规则, row 3, column J (不早于): expected a time of day as HH:MM (e.g. 08:20), got \"8.2\""),
        ("规则", 3, "J", s("25:00"), "sheet 规则, row 3, column J (不早于): expected a time of day as HH:MM (e.g. 08:20), got \"25:00\""),
        ("规则", 4, "H", s("六十"), "sheet 规则, row 4, column H (上限): expected a number, got \"六十\""),
        ("规则", 7, "E", s("很多"), "sheet 规则, row 7, column E (在校生): expected enrolment like 1000-2000, 1000以上, 999以下 or 不限, got \"很多\""),
        ("规则", 7, "I", s("每500人加1"), "sheet 规则, row 7, column I (递增): expected a step like 超出1000人每500人加1, got \"每500人加1\""),
        ("规则", 5, "C", s("《某通知》2021"), "sheet 规则, row 5, column C (依据): basis line 1: no year in brackets after the title in \"《某通知》2021\"; write 《文件名称》（文号，2021年）条款 or 《文件名称》（2021年）"),
        ("规则", 6, "B", s("体育课课时"), "sheet 规则, row 6, column B (测量): differs from row 5 of rule pe_periods; give it once, on one row of the rule"),
    ];
    for (sheet, row, col, value, want) in cases {
        let mut book = clerk();
        book.set(sheet, *row, col, value.clone());
        let errs = book.errors();
        assert_eq!(errs, [*want], "{sheet}!{col}{row} = {value:?}");
    }
}

#[test]
fn a_section_or_rule_split_into_separate_rows_is_refused() {
    let mut book = clerk();
    book.set("检查项", 7, "A", s("ZX"));
    assert_eq!(
        book.errors(),
        [
            "sheet 检查项, row 7, column A (分区代码): section ZX already appeared on rows 2-4; \
          the rows of a section must be together"
        ]
    );

    let mut book = clerk();
    book.set("规则", 8, "A", s("pe_periods"))
        .set("规则", 8, "B", C::E);
    assert_eq!(
        book.errors(),
        ["sheet 规则, row 8, column A (规则编号): rule pe_periods already appeared on rows 5-6; \
          the rows of a rule must be together"]
    );

    let mut book = clerk();
    book.set("检查项", 2, "A", C::E);
    assert_eq!(
        book.errors(),
        [
            "sheet 检查项, row 2, column A (分区代码): 分区代码 is empty and there is no section \
          above to continue"
        ]
    );
}

#[test]
fn duplicate_codes_are_refused() {
    let mut book = clerk();
    book.set("检查项", 6, "C", s("XX-ZY-01"));
    let errs = book.errors();
    assert_eq!(
        errs,
        ["sheet 检查项, row 6, column C (编码): item code XX-ZY-01 is already used on row 5"]
    );

    let mut book = clerk();
    book.set("检查项", 6, "C", C::E);
    assert_eq!(
        book.errors(),
        ["sheet 检查项, row 6, column C (编码): 编码 is empty; every item needs a code, e.g. WX-SJ-01"]
    );
}

#[test]
fn validation_errors_land_on_their_cells() {
    let cases: &[(&str, usize, &str, C, &str)] = &[
        ("模板", 2, "B", s("五项"), "sheet 模板, row 2, column B (编号): \"五项\" is not a valid id (letters, digits, - _ .)"),
        ("模板", 3, "B", C::N(0.0), "sheet 模板, row 3, column B (版本): must be 1 or more"),
        ("模板", 5, "B", C::E, "sheet 模板, row 5, column B (标题): is empty"),
        ("检查项", 2, "B", C::E, "sheet 检查项, row 2, column B (分区名称): is empty"),
        ("检查项", 5, "C", s("XX ZY 01"), "sheet 检查项, row 5, column C (编码): \"XX ZY 01\" is not a valid code (letters, digits, - _ .)"),
        ("检查项", 3, "D", C::E, "sheet 检查项, row 3, column D (题目): is empty"),
        ("检查项", 5, "J", s("homework"), "sheet 检查项, row 5, column J (规则): refers to unknown rule homework"),
        ("检查项", 4, "O", s("XX-ZX-02 = 符合"), "sheet 检查项, row 4, column O (显示条件): compares XX-ZX-02, a yes/no answer (是/否), with 符合"),
        ("检查项", 4, "R", C::E, "sheet 检查项, row 4, column R (依据): every item must cite its policy basis (document and year)"),
        ("检查项", 5, "F", C::E, "sheet 检查项, row 5, column F (单位): a number needs its unit (分钟, 克, 小时 …)"),
        ("检查项", 5, "G", C::N(700.0), "sheet 检查项, row 5, column G (最小值): min 700 is above max 600"),
        ("检查项", 6, "I", s("gongshi：班级公示栏"), "sheet 检查项, row 6, column I (选项): a choice needs at least two options"),
        ("检查项", 6, "I", s("a：甲\na：乙"), "sheet 检查项, row 6, column I (选项): is used by another option"),
        ("检查项", 4, "K", s("5-3"), "sheet 检查项, row 4, column K (年级): [5, 3] is not a grade range within 0–12"),
        ("检查项", 3, "P", s("不符合时拍照"), "sheet 检查项, row 3, column P (佐证): photo_when_noncompliant on an item that can never be 不符合"),
        ("规则", 6, "D", s("2-6"), "sheet 规则, row 5, column D (年级): overlaps bands[1]; each grade (and enrolment) belongs to one band"),
        ("规则", 4, "F", C::E, "sheet 规则, row 4, column F (档位): is empty"),
        ("规则", 4, "H", C::E, "sheet 规则, row 4, column H (上限): the band sets no limit (max, min, not_before or not_after)"),
        ("规则", 4, "G", C::N(90.0), "sheet 规则, row 4, column G (下限): min 90 is above max 60"),
        ("规则", 3, "B", C::E, "sheet 规则, row 3, column B (测量): is empty"),
    ];
    for (sheet, row, col, value, want) in cases {
        let mut book = clerk();
        book.set(sheet, *row, col, value.clone());
        let errs = book.errors();
        assert!(
            errs.iter().any(|e| e == want),
            "{sheet}!{col}{row} = {value:?}: expected\n  {want}\ngot\n  {}",
            errs.join("\n  ")
        );
    }
}

#[test]
fn every_error_is_reported_at_once_in_sheet_and_row_order() {
    let mut book = clerk();
    book.set("规则", 4, "H", s("六十"))
        .set("检查项", 6, "C", s("XX-ZY-01"))
        .set("检查项", 5, "G", s("零"))
        .set("检查项", 2, "J", s("start"))
        .set("模板", 3, "B", s("三"));
    let errs = book.errors();
    assert_eq!(
        errs,
        [
            "sheet 模板, row 3, column B (版本): expected a whole number, got \"三\"",
            "sheet 检查项, row 2, column J (规则): refers to unknown rule start",
            "sheet 检查项, row 5, column G (最小值): expected a number, got \"零\"",
            "sheet 检查项, row 6, column C (编码): item code XX-ZY-01 is already used on row 5",
            "sheet 规则, row 4, column H (上限): expected a number, got \"六十\"",
        ],
    );
    // Validation runs beside the cell errors but leaves out what would only repeat them:
    // rule homework_minutes lost its limit to the bad cell, and its item is not blamed.
}

#[test]
fn columns_may_be_reordered_renamed_by_alias_or_left_out() {
    // English headers for some columns: the same template.
    let mut book = clerk();
    for (col, h) in [
        ("A", "section"),
        ("C", "code"),
        ("D", "prompt"),
        ("E", "answer"),
        ("R", "basis"),
    ] {
        book.set("检查项", 1, col, s(h));
    }
    book.set("检查项", 2, "E", s("time"));
    book.set("检查项", 3, "E", s("yes_no"));
    let got = import(&book.bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got, Template::from_toml(CLERK_TOML).unwrap());
}
