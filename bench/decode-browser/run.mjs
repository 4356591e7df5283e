// Serves the bench page (bench.mjs) with the built wasm, protobuf.js and the fixtures from a
// local port, opens it in headless Chromium and prints what it says.
// Usage: node bench/decode-browser/run.mjs PKG_DIR   (bench/decode-browser.sh builds PKG_DIR)
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const pkg = resolve(process.argv[2]);
const fixtures = join(root, 'crates/payload/tests/fixtures');
const require = createRequire(join(root, 'tests/e2e/package.json'));
const { chromium } = require('playwright');

const platforms = ['douyin', 'wecom', 'mixin', 'wechat', 'yunhu', 'proto'];
const names = platforms.flatMap((platform) => readdirSync(join(fixtures, platform)).map((name) => `${platform}/${name}`));
const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

function fileFor(path) {
  if (path === '/' || path === '/index.html') return join(here, 'index.html');
  if (path === '/payloads.json') return null;
  if (path === '/protobuf.min.js') return join(root, 'tools/node_modules/protobufjs/dist/protobuf.min.js');
  if (path === '/long.js') return join(root, 'tools/node_modules/long/umd/index.js');
  if (path.startsWith('/pkg/')) return join(pkg, path.slice(5));
  if (path.startsWith('/proto/')) return join(root, 'proto', path.slice(7));
  if (path.startsWith('/fixtures/')) return join(fixtures, path.slice(10));
  return join(here, path.slice(1));
}

const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
  if (path === '/favicon.ico') {
    response.writeHead(204);
    return response.end();
  }
  if (path === '/payloads.json') {
    response.writeHead(200, { 'content-type': 'application/json' });
    return response.end(JSON.stringify(names));
  }
  const file = fileFor(path);
  if (!file || !file.startsWith(root) && !file.startsWith(pkg) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    response.writeHead(404);
    return response.end();
  }
  response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  response.end(readFileSync(file));
});
await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
let failed = false;
const done = new Promise((finish) => {
  page.on('console', (message) => {
    const text = message.text();
    console.log(text);
    if (text.startsWith('FAILED') || text.startsWith('MISMATCH')) failed = true;
    if (text === 'DONE' || text.startsWith('FAILED')) finish();
  });
  page.on('pageerror', (error) => { console.log(`FAILED ${error.message}`); failed = true; finish(); });
});
await page.goto(`http://127.0.0.1:${server.address().port}/`);
// A page that hangs fails the bench rather than holding it for ever (a run takes ~20 s).
const limit = setTimeout(() => {
  console.log('FAILED the page did not finish within 5 minutes');
  process.exit(1);
}, 5 * 60 * 1000);
await done;
clearTimeout(limit);
await browser.close();
server.close();
process.exit(failed ? 1 : 0);
