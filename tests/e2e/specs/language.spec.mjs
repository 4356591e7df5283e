// The console in the agent's language: with a Chinese browser the top bar, desk, inspector and
// Settings speak Chinese and show none of the English catalog's words; with an English browser,
// English; the language picked in the top bar is kept across reloads; the server's login page
// follows.
import { test, expect } from '@playwright/test';
import { logIn } from '../support/agents.mjs';
import { CHINESE_ONLY, ENGLISH_ONLY, shownTexts } from '../support/catalogs.mjs';

const PAYLOAD = '{"chat":{"chatId":"u1","chatType":"bot"},"content":{"text":"你好"}}';

// Opens each page with as much of it on screen as a user would see, and returns what it shows.
async function everyPage(page, expectHeading) {
  const seen = {};
  await logIn(page);
  await page.request.post('/api/sandbox/wechat/customer-message', { data: { text: `language ${Date.now()}`, customer: 0 } });
  await page.locator('.conversation-row').first().click();
  await expect(page.locator('.thread-header')).toBeVisible();
  await expect(page.locator('.top-nav a').first()).toHaveText(expectHeading.desk);
  seen.desk = await shownTexts(page);
  await page.goto('/inspect');
  await page.locator('.paste-area').fill(PAYLOAD);
  await expect(page.locator('.tree-row').first()).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(expectHeading.inspector);
  seen.inspector = await shownTexts(page);
  await page.goto('/settings');
  await expect(page.locator('.platform-card').first()).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(expectHeading.settings);
  seen.settings = await shownTexts(page);
  return seen;
}

function foreign(seen, forbidden) {
  const found = [];
  for (const [where, texts] of Object.entries(seen)) {
    for (const text of texts) if (forbidden.has(text)) found.push(`${where}: ${text}`);
  }
  return [...new Set(found)];
}

test.describe('a Chinese browser', () => {
  test.use({ locale: 'zh-CN' });

  test('sees Chinese everywhere and none of the English catalog', async ({ page }) => {
    test.setTimeout(60_000);
    const seen = await everyPage(page, { desk: '工作台', inspector: '检查器', settings: '设置' });
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    expect(foreign(seen, ENGLISH_ONLY)).toEqual([]);
    // Some of what each page says, in Chinese.
    expect(seen.desk).toEqual(expect.arrayContaining(['搜索会话', '已连接', '解决']));
    expect(seen.inspector).toEqual(expect.arrayContaining(['复制 JSON', '坐席将看到的内容']));
    expect(seen.settings).toEqual(expect.arrayContaining(['坐席', '快捷回复', '退出登录']));
  });

  test('gets the login page in Chinese', async ({ page }) => {
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('button')).toHaveText('登录');
  });
});

test.describe('an English browser', () => {
  test.use({ locale: 'en-US' });

  test('sees English everywhere and none of the Chinese catalog', async ({ page }) => {
    test.setTimeout(60_000);
    const seen = await everyPage(page, { desk: 'Desk', inspector: 'Inspector', settings: 'Settings' });
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    expect(foreign(seen, CHINESE_ONLY)).toEqual([]);
    expect(seen.desk).toEqual(expect.arrayContaining(['Search conversations', 'live', 'Resolve']));
  });

  test('switches to Chinese in the top bar, and keeps it across reloads and on the login page', async ({ page }) => {
    await logIn(page);
    await page.getByLabel('Language').selectOption('zh-CN');
    // The page changes at once, without a reload.
    await expect(page.locator('.top-nav a').first()).toHaveText('工作台');
    await expect(page.getByTestId('connection')).toHaveText('已连接');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await page.reload();
    await expect(page.getByTestId('connection')).toHaveText('已连接');
    await expect(page.getByLabel('语言')).toHaveValue('zh-CN');
    // The server's own page follows the console's choice, not the browser's English.
    await page.goto('/login');
    await expect(page.getByRole('button')).toHaveText('登录');
    // And back.
    await page.goto('/settings');
    await page.getByLabel('语言').selectOption('en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
  });
});
