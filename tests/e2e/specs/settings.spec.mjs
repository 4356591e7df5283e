// Settings against the release build and the sandbox: the webhook URL each platform needs (with
// our secret, behind the session), what the desk can do there, failures with Retry, log out.
import { test, expect } from '@playwright/test';
import { ADMIN, logIn } from '../support/agents.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PLATFORMS = ['yunhu', 'douyin', 'wecom', 'mixin', 'wechat'];
const dataFile = (name) => readFileSync(join(process.env.SWITCHBOARD_E2E_DATA, name), 'utf8').trim();

test('settings ask for a name and password, then show every platform\'s webhook URL, which the intake accepts', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/settings');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
  const form = page.getByRole('form', { name: 'Log in' });
  await form.getByLabel('Name').fill(ADMIN.name);
  await form.getByLabel('Password').fill(ADMIN.password);
  await form.getByRole('button', { name: 'Log in' }).click();

  await expect(page.locator('.mode')).toHaveAttribute('data-mode', 'sandbox');
  await expect(page.locator('.platform-card')).toHaveCount(PLATFORMS.length);
  const secrets = new Set();
  for (const platform of PLATFORMS.filter((platform) => platform !== 'mixin')) {
    const secret = dataFile(`webhook-secrets/${platform}`);
    secrets.add(secret);
    const card = page.locator(`.platform-card[data-platform="${platform}"]`);
    const url = await card.getByLabel('Webhook URL').inputValue();
    expect(url).toBe(`http://127.0.0.1:${new URL(page.url()).port}/hooks/${platform}/${secret}`);
    await expect(card.locator('.receive')).toContainText('webhook URL');
  }
  expect(secrets.size).toBe(PLATFORMS.length - 1);
  // Mixin has no webhooks: the card says how it receives instead, and how that is going.
  const mixin = page.locator('.platform-card[data-platform="mixin"]');
  await expect(mixin.getByLabel('Webhook URL')).toHaveCount(0);
  await expect(mixin.locator('.no-webhook')).toContainText('Mixin posts no webhooks');
  await expect(mixin.locator('.receive')).toHaveAttribute('data-state', 'connected');
  await expect(mixin.locator('.receive')).toContainText('Receiving over the Blaze WebSocket: connected since');
  // A Yunhu user account receives on its push socket; the bot still posts to its webhook URL.
  const yunhu = page.locator('.platform-card[data-platform="yunhu"] .receive');
  await expect(yunhu).toHaveAttribute('data-state', 'connected');
  await expect(yunhu).toContainText('Receiving over its WebSocket: connected since');
  // E云 also: the server pulls syncFinder.
  await expect(page.locator('.platform-card[data-platform="wechat"] .receive')).toContainText("the server's pulls");
  await expect(page.locator('.public-url')).toContainText('the address this browser opened');
  await expect(page.locator('.public-url')).toContainText('SWITCHBOARD_PUBLIC_URL');

  // The URL shown is the one the intake takes: a wkteam event posted to it is stored.
  const wecomUrl = await page.locator('.platform-card[data-platform="wecom"]').getByLabel('Webhook URL').inputValue();
  const delivered = await page.request.post(wecomUrl, {
    data: { seq: '1', token: 'sandbox-wecom-session', event: { event_type: 'ROOM_TOPIC', payload: { room_id: 'r', topic: 'settings' } } },
  });
  expect(delivered.status()).toBe(200);
  expect(Number(delivered.headers()['x-switchboard-seq'])).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('each card says what the desk can and cannot do there', async ({ page }) => {
  await logIn(page, ADMIN, '/settings');
  const wechat = page.locator('.platform-card[data-platform="wechat"]');
  await expect(wechat.getByRole('heading', { level: 2 })).toBeVisible();
  await expect(wechat.locator('.capabilities').first()).toContainText('send text');
  await expect(wechat.locator('.capabilities').first()).toContainText('recall (within 2 min)');
  await expect(wechat.locator('.capabilities').nth(1)).toContainText('edit sent messages');
  await expect(page.locator('.platform-card[data-platform="yunhu"] .capabilities').first()).toContainText('edit sent messages');
});

test('Copy puts the webhook URL on the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await logIn(page, ADMIN, '/settings');
  const card = page.locator('.platform-card[data-platform="douyin"]');
  await card.getByRole('button', { name: 'Copy' }).click();
  await expect(card.getByRole('status')).toHaveText('Copied.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await card.getByLabel('Webhook URL').inputValue());
});

test('a failed load says why and Retry loads again', async ({ page }) => {
  await logIn(page, ADMIN, '/settings');
  await page.route('**/api/webhooks', (route) => route.abort('connectionrefused'));
  await page.goto('/settings');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The settings could not be loaded');
  await expect(alert).toContainText('cannot be reached');
  await page.unroute('**/api/webhooks');
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(page.locator('.platform-card')).toHaveCount(PLATFORMS.length);
});

test('Log out ends the session: the login form shows and the API refuses', async ({ page }) => {
  await logIn(page, ADMIN, '/settings');
  await expect(page.locator('.platform-card')).toHaveCount(PLATFORMS.length);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('form', { name: 'Log in' })).toBeVisible();
  const config = await page.request.get('/api/config');
  expect(config.status()).toBe(401);
  await page.reload();
  await expect(page.getByRole('form', { name: 'Log in' })).toBeVisible();
});

test('a configured public_url is named beside the URLs it starts', async ({ page }) => {
  await logIn(page, ADMIN, '/settings');
  await page.route('**/api/config', async (route) => {
    const config = await (await route.fetch()).json();
    await route.fulfill({ json: { ...config, public_url: 'https://desk.example.com' } });
  });
  await page.goto('/settings');
  await expect(page.locator('.public-url')).toHaveText(
    'The URLs start with the configured public_url, https://desk.example.com.');
});

test('Settings says whether the event log takes writes', async ({ page }) => {
  await logIn(page, ADMIN, '/settings');
  await expect(page.locator('.log-health')).toHaveAttribute('data-log', 'ok');
  await expect(page.locator('.log-health')).toHaveText('The event log is taking writes.');
  // The server's own answer when its disk is full (shown as the real one is shaped).
  await page.route('**/api/config', async (route) => {
    const response = await route.fetch();
    const config = await response.json();
    config.log = { log: 'failing', failure: { reason: 'database or disk is full', since_ms: Date.now() - 60_000 } };
    await route.fulfill({ response, json: config });
  });
  await page.reload();
  const alert = page.locator('.log-health[data-log="failing"]');
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('database or disk is full');
  await expect(alert).toContainText('Webhooks are refused until it does');
});
