// Everyone can use the console: axe (axe-core, WCAG 2.1 A and AA rules) finds no serious or
// critical violation on the desk, the inspector and Settings, in Chinese and in English; the
// desk's controls are all reached by Tab, each with a visible focus ring; new messages and
// status changes are announced.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { logIn } from '../support/agents.mjs';

const PAYLOAD = '{"chat":{"chatId":"u1","chatType":"bot"},"content":{"text":"你好"}}';

async function violations(page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(' | ')}`);
}

for (const locale of ['zh-CN', 'en-US']) {
  test.describe(locale, () => {
    test.use({ locale });

    test('the desk, the inspector and Settings have no serious or critical violation', async ({ page }) => {
      test.setTimeout(90_000);
      await logIn(page);
      await page.request.post('/api/sandbox/wechat/customer-message', { data: { text: `axe ${Date.now()}`, customer: 0 } });
      await page.locator('.conversation-row').first().click();
      await expect(page.locator('.composer')).toBeVisible();
      const found = { desk: await violations(page) };
      await page.goto('/inspect');
      found.emptyInspector = await violations(page);
      await page.locator('.paste-area').fill(PAYLOAD);
      await expect(page.locator('.tree-row').first()).toBeVisible();
      found.inspector = await violations(page);
      await page.goto('/settings');
      await expect(page.locator('.platform-card').first()).toBeVisible();
      found.settings = await violations(page);
      expect(found).toEqual({ desk: [], emptyInspector: [], inspector: [], settings: [] });
    });
  });
}

// Presses Tab until the focus comes round again, marking each element it lands on and whether
// the focus shows there; returns the interactive elements never reached and the reached ones
// with no visible focus.
async function tabThrough(page, scope) {
  await page.evaluate(() => document.activeElement?.blur());
  for (let press = 0; press < 2000; press += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      if (element.dataset.reached) return 'again';
      element.dataset.reached = '1';
      const shows = (el) => {
        const style = getComputedStyle(el);
        return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
      };
      // A hidden file input shows its focus on its label.
      const visible = shows(element) || (element.classList.contains('visually-hidden') && element.closest('label') && shows(element.closest('label')));
      if (!visible) element.dataset.noFocusRing = '1';
      return 'new';
    });
    if (stop === 'again') break;
  }
  return page.evaluate((scope) => {
    const describe = (el) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} "${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40)}"`;
    const interactive = [...document.querySelectorAll(`${scope} :is(a[href], button, input, select, textarea, [tabindex="0"])`)]
      .filter((el) => !el.disabled && el.getAttribute('tabindex') !== '-1' && (el.offsetParent !== null || el.classList.contains('visually-hidden')));
    return {
      unreached: interactive.filter((el) => !el.dataset.reached).map(describe),
      noFocusRing: [...document.querySelectorAll('[data-no-focus-ring]')].map(describe),
    };
  }, scope);
}

test('every control of the desk is reached by Tab and shows where the focus is; new messages are announced', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page);
  const stamp = `keyboard ${Date.now()}`;
  // A conversation of its own (a customer nobody else in the run writes as), few bubbles long.
  await page.request.post('/api/sandbox/douyin/customer-message', { data: { text: stamp, customer: 1 } });
  await page.getByLabel('Search conversations').fill(stamp);
  await page.locator('.conversation-row', { hasText: stamp }).click();
  await expect(page.locator('.composer')).toBeVisible();
  await page.getByLabel('Search conversations').fill('');
  const found = await tabThrough(page, ':is(.top-bar, .desk)');
  expect(found).toEqual({ unreached: [], noFocusRing: [] });

  // The list: focused, the arrows move the selection.
  const list = page.getByRole('listbox', { name: 'Conversation list' });
  await list.focus();
  const before = await page.locator('.conversation-row[aria-selected="true"]').getAttribute('id');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.conversation-row[aria-selected="true"]')).not.toHaveAttribute('id', before);
  await expect(list).toHaveAttribute('aria-activedescendant', await page.locator('.conversation-row[aria-selected="true"]').getAttribute('id'));

  // A customer's new message is said to a screen reader.
  const spoken = `spoken ${Date.now()}`;
  await page.request.post('/api/sandbox/douyin/customer-message', { data: { text: spoken, customer: 1 } });
  await expect(page.getByTestId('announcement')).toContainText(spoken);
  await expect(page.getByTestId('announcement')).toHaveAttribute('aria-live', 'polite');
});
