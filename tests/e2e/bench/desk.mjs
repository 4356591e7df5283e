// Desk load measurement (run by bench/desk.sh): logs in to a running server whose log holds a
// generated workload, and prints how long the desk takes to be live, to open a conversation, and
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
await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor({ timeout: 600_000 });
const interactive = Date.now() - started;
const switches = [];
for (let n = 1; n <= 5; n++) {
  const before = Date.now();
  await page.locator('.conversation-row').nth(n).click();
  await page.locator('.conversation-row').nth(n).and(page.locator('[aria-selected="true"]')).waitFor();
  await page.locator('.message-list .bubble').first().waitFor();
  switches.push(Date.now() - before);
}
const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);
console.log(`DESK PERF interactive_ms=${interactive} switch_ms=${switches.join(',')} js_heap_mb=${heap ? (heap / 1048576).toFixed(1) : 'n/a'}`);
await browser.close();
