// Desk load measurement (run by bench/desk.sh): logs in to a running server whose log holds a
// generated workload, and prints how long the desk takes to be live with the newest conversations,
// to have read the whole log behind them, to open a conversation (while reading and after), and
// the JS heap it holds.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.BASE_URL;
const token = readFileSync(join(process.env.DATA_DIR, 'access-token'), 'utf8').trim();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--enable-precise-memory-info'],
});
const page = await browser.newPage();
await page.goto(`${base}/login?token=${token}`);
const started = Date.now();
// Interactive: live, with the newest conversations listed (the log's past is read behind it).
await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor({ timeout: 600_000 });
await page.locator('.conversation-row').first().waitFor();
const interactive = Date.now() - started;
const switchTo = async (n) => {
  const before = Date.now();
  await page.locator('.conversation-row').nth(n).click();
  await page.locator('.conversation-row').nth(n).and(page.locator('[aria-selected="true"]')).waitFor();
  await page.locator('.message-list .bubble').first().waitFor();
  return Date.now() - before;
};
const whileReading = [];
for (let n = 1; n <= 3; n++) whileReading.push(await switchTo(n));
await page.getByTestId('history').waitFor({ state: 'detached', timeout: 600_000 });
const history = Date.now() - started;
const switches = [];
for (let n = 1; n <= 5; n++) switches.push(await switchTo(n));
const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);
console.log(`DESK PERF interactive_ms=${interactive} history_read_ms=${history} switch_ms=${switches.join(',')} switch_while_reading_ms=${whileReading.join(',')} js_heap_mb=${heap ? (heap / 1048576).toFixed(1) : 'n/a'}`);
await browser.close();
