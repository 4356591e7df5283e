// Desk load measurement (run by bench/desk.sh): logs in to a running server whose log holds a
// generated workload, and prints how long the desk takes to be live with the newest conversations,
// to have read the whole log behind them, to open a conversation (while reading and after), and
// the JS heap it holds.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const base = process.env.BASE_URL;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--enable-precise-memory-info'],
});
const page = await browser.newPage();
// The agent bench/desk.sh added.
const login = await page.request.post(`${base}/login`, { form: { name: 'bench', password: 'bench password' }, maxRedirects: 0 });
if (login.status() !== 303) throw new Error(`logging in: ${login.status()}`);
await page.goto(`${base}/desk`);
const started = Date.now();
// Interactive: live, with the newest conversations listed (the log's past is read behind it).
await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor({ timeout: 600_000 });
await page.locator('.conversation-row').first().waitFor();
const interactive = Date.now() - started;
// A switch: from the click to the first frame after it, timed in the page (a Playwright round
// trip per step would add its own tens of milliseconds), checked to show that conversation.
const switchTo = (n) => page.evaluate(async (n) => {
  const row = document.querySelectorAll('.conversation-row')[n];
  const id = row.dataset.conversation;
  const started = performance.now();
  row.click();
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const took = performance.now() - started;
  const shown = document.querySelector('.thread-header .muted')?.textContent === id
    && document.querySelectorAll('.message-list .bubble').length > 0;
  if (!shown) throw new Error(`conversation ${id} was not shown`);
  return Math.round(took);
}, n);
const whileReading = [];
await page.locator('.conversation-row').nth(5).waitFor({ timeout: 600_000 });
for (let n = 1; n <= 3; n++) whileReading.push(await switchTo(n));
await page.getByTestId('history').waitFor({ state: 'detached', timeout: 600_000 });
const history = Date.now() - started;
const switches = [];
for (let n = 1; n <= 5; n++) switches.push(await switchTo(n));
// The customer with the very long thread: open it, and see a new message of theirs arrive.
// Found by search: the team's notes make other conversations newer than it.
await page.locator('.conversation-search').fill('wxid_big');
await page.locator('.conversation-row[data-conversation="wxid_big"]').waitFor({ timeout: 10_000 }).catch(() => {});
const big = await page.evaluate(() => [...document.querySelectorAll('.conversation-row')]
  .findIndex((row) => row.dataset.conversation === 'wxid_big'));
let bigThread = 'n/a';
if (big >= 0) {
  const open = await switchTo(big);
  const inPage = await page.locator('.message-list .bubble').count();
  const secret = readFileSync(join(process.env.DATA_DIR, 'webhook-secrets', 'wechat'), 'utf8').trim();
  const text = `live into the long thread ${Date.now()}`;
  const before = Date.now();
  await fetch(`${base}/hooks/wechat/${secret}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ wcId: 'wxid_me', account: 'me', messageType: 60001, data: { fromUser: 'wxid_big', toUser: 'wxid_me',
      msgId: 1, newMsgId: Date.now(), msgType: 1, timestamp: 1797000000, content: text, self: false } }),
  });
  await page.locator('.message-list .bubble', { hasText: text }).waitFor();
  const live = Date.now() - before;
  const messages = await page.evaluate(() => [...document.querySelectorAll('.thread .link-button')]
    .map((button) => button.textContent).find((text) => text.startsWith('show earlier')) ?? '');
  bigThread = `open_ms=${open} bubbles_in_page=${inPage} live_message_ms=${live} (${messages})`;
}
const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);
console.log(`DESK PERF interactive_ms=${interactive} history_read_ms=${history} switch_ms=${switches.join(',')} switch_while_reading_ms=${whileReading.join(',')} js_heap_mb=${heap ? (heap / 1048576).toFixed(1) : 'n/a'} long_thread: ${bigThread}`);
await browser.close();
