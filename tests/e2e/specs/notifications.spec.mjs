// A customer writes while the agent looks elsewhere: a hidden tab gets a browser notification
// (Chromium's permission granted to the test's context) and the unread count in its title, and
// clicking the notification opens that conversation; another conversation open counts as
// elsewhere, the conversation open in a visible tab does not.
import { test, expect } from '@playwright/test';
import { logIn } from '../support/agents.mjs';

// Before the app starts: notifications the page shows are recorded (the browser still shows
// them), and the tab's visibility is the test's to set.
async function watchNotifications(page) {
  await page.addInitScript(() => {
    window.shownNotifications = [];
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.shownNotifications.push(this);
      }
    };
    window.tabHidden = false;
    Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => window.tabHidden });
    Object.defineProperty(Document.prototype, 'visibilityState', {
      configurable: true,
      get: () => (window.tabHidden ? 'hidden' : 'visible'),
    });
  });
}

async function setHidden(page, hidden) {
  await page.evaluate((hidden) => {
    window.tabHidden = hidden;
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

const shown = (page) => page.evaluate(() => window.shownNotifications.map((n) => ({ title: n.title, body: n.body, tag: n.tag })));

// Logged in with notifications allowed and watched, a customer's new message open; its text.
async function openAConversation(page, context, label) {
  await context.grantPermissions(['notifications']);
  await watchNotifications(page);
  await logIn(page);
  const text = `${label} ${Date.now()}`;
  await customerSays(page, 0, text);
  await page.locator('.conversation-row', { hasText: text }).click();
  await expect(page.locator('.message-list')).toContainText(text);
  return text;
}

async function customerSays(page, customer, text) {
  const response = await page.request.post('/api/sandbox/mixin/customer-message', { data: { text, customer } });
  expect(response.ok(), await response.text()).toBeTruthy();
}

test('a hidden tab is told by a notification and its title, and the notification opens the conversation', async ({ page, context }) => {
  await context.grantPermissions(['notifications']);
  await watchNotifications(page);
  await logIn(page);
  await expect(page.locator('.notifications-state')).toHaveAttribute('data-state', 'granted');
  await setHidden(page, true);
  const stamp = `hidden tab ${Date.now()}`;
  await customerSays(page, 0, stamp);
  await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual([
    expect.objectContaining({ body: stamp, title: expect.stringContaining('Mixin') }),
  ]);
  await expect(page).toHaveTitle(/^\(\d+\) Switchboard$/);
  const unread = Number((await page.title()).match(/^\((\d+)\)/)[1]);
  expect(unread).toBeGreaterThan(0);

  // Clicking it brings the agent to that conversation, which is then read.
  await setHidden(page, false);
  await page.evaluate(() => window.shownNotifications[0].dispatchEvent(new Event('click')));
  await expect(page.locator('.conversation-row[aria-selected="true"]')).toContainText(stamp);
  await expect(page.locator('.message-list')).toContainText(stamp);
  await expect.poll(async () => {
    const title = await page.title();
    return title === 'Switchboard' ? 0 : Number(title.match(/^\((\d+)\)/)[1]);
  }).toBeLessThan(unread);
});

test('in a visible tab only a conversation not open is news', async ({ page, context }) => {
  const open = await openAConversation(page, context, 'open');
  // (That first message was news: nothing was open.)
  await page.evaluate(() => { window.shownNotifications = []; });

  // The open conversation, in sight: nothing to tell.
  const again = `again ${Date.now()}`;
  await customerSays(page, 0, again);
  await expect(page.locator('.message-list')).toContainText(again);
  // Another customer, elsewhere: told.
  const elsewhere = `elsewhere ${Date.now()}`;
  await customerSays(page, 1, elsewhere);
  await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual([expect.objectContaining({ body: elsewhere })]);
});

test('notifications are asked for only from the control, and the sound is off until turned on', async ({ page }) => {
  const asked = [];
  await page.exposeFunction('permissionAsked', () => asked.push(Date.now()));
  await page.addInitScript(() => {
    const ask = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = (...args) => {
      window.permissionAsked();
      return ask(...args);
    };
  });
  await logIn(page);
  await page.waitForTimeout(500);
  expect(asked).toEqual([]);
  const control = page.getByRole('button', { name: 'Turn on notifications' });
  await expect(control).toBeVisible();
  await control.click();
  await expect.poll(() => asked.length).toBe(1);

  await page.goto('/settings');
  const sound = page.getByLabel('Play a sound when a customer writes');
  await expect(sound).not.toBeChecked();
  await sound.check();
  await page.reload();
  await expect(page.getByLabel('Play a sound when a customer writes')).toBeChecked();
});

test('a hidden tab does not read the conversation it has open: it stays unread until the tab is shown', async ({ page, context }) => {
  const first = await openAConversation(page, context, 'shown');
  const row = page.locator('.conversation-row[aria-selected="true"]');
  await expect(row.locator('.unread-badge')).toHaveCount(0);

  await setHidden(page, true);
  const unseen = `unseen ${Date.now()}`;
  await customerSays(page, 0, unseen);
  await expect.poll(() => shown(page), { timeout: 15_000 }).toEqual(expect.arrayContaining([expect.objectContaining({ body: unseen })]));
  await expect(row.locator('.unread-badge')).toHaveText('1');
  await expect(page).toHaveTitle(/^\(\d+\) Switchboard$/);

  await setHidden(page, false);
  await expect(row.locator('.unread-badge')).toHaveCount(0);
});
