import { expect, test } from '@playwright/test';
import * as http from 'http';
import { report } from './util';

// Benchmark, not a test: the bytes a phone downloads on its first visit, as the server sends
// them. Every file the service worker precaches (its PRECACHE list in /sw.js) and the worker
// itself, fetched from the real server over loopback three ways: `Accept-Encoding: br, gzip`
// (every phone browser), `gzip` only, and no encoding. Counts the bytes of each body as it
// arrives (Node's http does not decode it). "To start" is what the page loads before the app
// runs: index.html, the JS, the wasm and the CSS.

interface Got { status: number; encoding: string; bytes: number }

function fetchRaw(base: string, path: string, acceptEncoding: string | null): Promise<Got> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (acceptEncoding) headers['Accept-Encoding'] = acceptEncoding;
    const req = http.get(new URL(path, base), { headers }, res => {
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: String(res.headers['content-encoding'] ?? 'identity'), bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const kb = (b: number) => `${(b / 1000).toFixed(1)} KB`;

test('first-load bytes: brotli, gzip, uncompressed', async ({ baseURL }) => {
  const base = baseURL!;
  const sw = await new Promise<string>((resolve, reject) => {
    http.get(new URL('/sw.js', base), res => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', c => { s += c; });
      res.on('end', () => resolve(s));
    }).on('error', reject);
  });
  const list = /const PRECACHE = (\[[^\]]*\])/.exec(sw);
  expect(list, 'the PRECACHE list in /sw.js').not.toBeNull();
  const files: string[] = [...JSON.parse(list![1]), '/sw.js'];

  const rows: { path: string; br: Got; gz: Got; raw: Got }[] = [];
  for (const path of files) {
    rows.push({
      path,
      br: await fetchRaw(base, path, 'br, gzip'),
      gz: await fetchRaw(base, path, 'gzip'),
      raw: await fetchRaw(base, path, null),
    });
  }
  for (const r of rows) {
    expect(r.raw.status, r.path).toBe(200);
    report('download', `${r.path}: br ${kb(r.br.bytes)} (sent as ${r.br.encoding}), gzip ${kb(r.gz.bytes)} `
      + `(sent as ${r.gz.encoding}), uncompressed ${kb(r.raw.bytes)}`);
  }
  const startPaths = rows.filter(r => /^\/index\.html$|\.(js|wasm|css)$/.test(r.path) && r.path !== '/sw.js');
  const sum = (rs: typeof rows, k: 'br' | 'gz' | 'raw') => rs.reduce((a, r) => a + r[k].bytes, 0);
  report('download', `to start (${startPaths.map(r => r.path.replace(/-[0-9a-f]{8,}/, '-…')).join(', ')}): `
    + `br ${kb(sum(startPaths, 'br'))}, gzip ${kb(sum(startPaths, 'gz'))}, uncompressed ${kb(sum(startPaths, 'raw'))}`);
  const wasm = rows.find(r => r.path.endsWith('.wasm'));
  if (wasm) report('download', `of which the wasm: br ${kb(wasm.br.bytes)}, gzip ${kb(wasm.gz.bytes)}, uncompressed ${kb(wasm.raw.bytes)}`);
  report('download', `everything precached (${rows.length} files incl. sw.js): br ${kb(sum(rows, 'br'))}, `
    + `gzip ${kb(sum(rows, 'gz'))}, uncompressed ${kb(sum(rows, 'raw'))}`);
});
