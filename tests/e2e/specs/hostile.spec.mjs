// Hostile customer messages through the real intake, on every platform that renders Markdown or
// HTML (Yunhu: markdown, html; Mixin: markdown as PLAIN_POST): the desk opens them, switches away
// and replies, with no page error. Once, a 100 000-deep quote trapped the wasm and no
// conversation opened again until a reload.
// Its own `switchboard serve` (own data, a body limit that lets a 10 MB line in), so the
// other specs never load these rows.
import { test, expect } from '@playwright/test';
import { ADMIN, logIn } from '../support/agents.mjs';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../../..');
const binary = process.env.SWITCHBOARD_BIN ?? join(root, 'target/release/switchboard');
const port = Number(process.env.E2E_HOSTILE_PORT ?? 18091);
const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-hostile-'));
const baseURL = `http://127.0.0.1:${port}`;
let server;

test.use({ baseURL });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  execFileSync(binary, ['agent', 'add', ADMIN.name, '--admin', '--password-stdin', '--data-dir', dataDir],
    { input: `${ADMIN.password}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  server = spawn(binary, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--dist', join(root, 'dist')], {
    env: { ...process.env, SWITCHBOARD_BODY_LIMIT: String(48 * 1024 * 1024), SWITCHBOARD_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: server.stdout });
  await new Promise((ready, failed) => {
    lines.once('line', ready);
    server.once('exit', (code) => failed(new Error(`switchboard serve exited with ${code}`)));
  });
  lines.on('line', () => {});
});

test.afterAll(() => server?.kill());

const CORPUS = {
  'a 100 000-deep blockquote': `${'>'.repeat(100_000)} deep`,
  'a 100 000-deep list': `${'- '.repeat(100_000)}deep`,
  'a 10 MB single line': 'x'.repeat(10 * 1024 * 1024),
  '1 000 000 combining marks': `Z${'\u0301'.repeat(1_000_000)}`,
  '50 000 links': Array.from({ length: 50_000 }, (_, index) => `[l${index}](https://example.com/${index})`).join(' '),
};

const CELLS = [
  ['yunhu', 'markdown'],
  ['yunhu', 'html'],
  ['mixin', 'markdown'],
];


async function customerSays(page, platform, body) {
  const response = await page.request.post(`/api/sandbox/${platform}/customer-message`, { data: body, timeout: 60_000 });
  expect(response.ok(), await response.text()).toBeTruthy();
  expect((await response.json()).status).toBe(200);
}

test('a format the platform does not have is refused, not faked', async ({ page }) => {
  await logIn(page);
  for (const [platform, format] of [['douyin', 'markdown'], ['mixin', 'html'], ['wechat', 'html']]) {
    const response = await page.request.post(`/api/sandbox/${platform}/customer-message`, { data: { text: 'x', format } });
    expect(response.status()).toBe(400);
    expect((await response.json()).error).toContain(`${platform} has no "${format}" messages`);
  }
});

for (const [platform, format] of CELLS) {
  test(`${platform} ${format}: hostile messages leave the desk usable`, async ({ page }) => {
    test.setTimeout(180_000);
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('crash', () => errors.push('the page crashed'));
    await logIn(page);
    // Customer 0 sends the corpus; customer 1 is the conversation to switch to.
    for (const text of Object.values(CORPUS)) {
      await customerSays(page, platform, { text, format, customer: 0 });
    }
    const calm = `${platform} ${format} calm ${Date.now()}`;
    await customerSays(page, platform, { text: calm, customer: 1 });

    const calmRow = page.locator('.conversation-row', { hasText: calm });
    await expect(calmRow).toBeVisible({ timeout: 60_000 });
    const hostileRow = page.locator(`.conversation-row[data-platform="${platform}"]`).filter({ hasNotText: calm }).first();
    await hostileRow.click();
    const bubbles = page.locator('.message-list .bubble');
    await expect(bubbles.last()).toBeVisible({ timeout: 60_000 });
    await expect(page.locator('.message-list .held-back').first()).toBeVisible();
    // Nothing a customer sent nests deeper than the bound.
    const depth = await page.evaluate(() => {
      let deepest = 0;
      for (const root of document.querySelectorAll('.bubble-markdown')) {
        const walk = (node, depth) => {
          deepest = Math.max(deepest, depth);
          for (const child of node.children) walk(child, depth + 1);
        };
        walk(root, 0);
      }
      return deepest;
    });
    expect(depth).toBeLessThanOrEqual(14);

    // Switch away and reply: the app is alive.
    await calmRow.click();
    await expect(page.locator('.message-list .bubble', { hasText: calm })).toHaveCount(1);
    const reply = `${platform} ${format} reply ${Date.now()}`;
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(reply);
    await box.press('Enter');
    await expect(page.locator('.message-list .bubble.outgoing', { hasText: reply }).locator('.status')).toHaveText('sent', { timeout: 30_000 });
    // And the hostile conversation opens again.
    await hostileRow.click();
    await expect(bubbles.last()).toBeVisible({ timeout: 60_000 });
    expect(errors).toEqual([]);
  });
}
