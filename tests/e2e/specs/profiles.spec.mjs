// Names and faces: customers on all five platforms show by name with a picture in the list and
// the thread header, search finds them by name, a group shows its name, size and each sender,
// and a reload shows the names again without a new profile call; the inspector names a payload's
// ids from the log; a picture that fails leaves the initial.
import { test, expect } from '@playwright/test';
import { logIn } from '../support/agents.mjs';

const PLATFORMS = ['yunhu', 'douyin', 'wecom', 'mixin', 'wechat'];
const NAMES = ['林晓', 'Ming Zhao'];

async function customerSays(page, platform, data) {
  const response = await page.request.post(`/api/sandbox/${platform}/customer-message`, { data });
  expect(response.ok(), await response.text()).toBeTruthy();
}

// How many profile lookups the log holds (the server annotates them).
async function lookupsInLog(page) {
  let after = 0;
  let count = 0;
  for (;;) {
    const log = await (await page.request.get(`/api/events?after=${after}&limit=1000`)).json();
    count += log.events.filter((event) => event.headers.some(([name]) => name === 'x-switchboard-lookup')).length;
    if (!log.more) return count;
    after = log.next_after;
  }
}

// The picture in `scope` loaded through our media route.
async function expectPicture(scope) {
  const picture = scope.locator('.avatar img.avatar-picture');
  await expect(picture).toHaveAttribute('src', /^\/api\/media\//);
  await expect.poll(() => picture.evaluate((img) => img.complete && img.naturalWidth > 0), { timeout: 10_000 }).toBe(true);
}

// The row of `platform`'s conversation titled `name` (our stamp is its last message).
const rowOf = (page, platform, name, stamp) =>
  page.locator(`.conversation-row[data-platform="${platform}"]`, { hasText: stamp })
    .filter({ has: page.locator('.conversation-title', { hasText: new RegExp(`^${name}$`) }) });

test('customers on every platform show by name with a picture; search finds them by name; a reload asks nobody again', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await logIn(page);
  const stamp = `profile ${Date.now()}`;
  for (const platform of PLATFORMS) {
    for (const customer of [0, 1]) await customerSays(page, platform, { text: `${stamp} ${customer}`, customer });
  }
  for (const platform of PLATFORMS) {
    for (const [customer, name] of NAMES.entries()) {
      const row = rowOf(page, platform, name, `${stamp} ${customer}`);
      await expect(row, `${platform}: ${name}`).toHaveCount(1, { timeout: 20_000 });
      await expectPicture(row);
    }
  }
  // The thread header names the customer too, with their picture.
  const header = page.locator('.thread-header');
  for (const platform of PLATFORMS) {
    for (const [customer, name] of NAMES.entries()) {
      await rowOf(page, platform, name, `${stamp} ${customer}`).click();
      await expect(header.locator('h2'), `${platform}: ${name}`).toHaveText(name);
      await expectPicture(header);
    }
  }

  // Search by name finds this test's five conversations of each customer, one per platform (the
  // seed's Mixin chat with the same user is found too: it is 林晓's as well).
  const search = page.getByLabel('Search conversations');
  for (const [customer, name] of NAMES.entries()) {
    await search.fill(name);
    const titled = page.locator('.conversation-row', { hasText: `${stamp} ${customer}` })
      .filter({ has: page.locator('.conversation-title', { hasText: new RegExp(`^${name}$`) }) });
    await expect(titled).toHaveCount(5);
    const platforms = await titled.evaluateAll((rows) => rows.map((row) => row.dataset.platform).sort());
    expect(platforms).toEqual([...PLATFORMS].sort());
  }
  await search.fill('');

  // A reload: the names come from the log; nobody is asked again.
  const before = await lookupsInLog(page);
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText('live');
  for (const platform of PLATFORMS) {
    await expect(rowOf(page, platform, '林晓', `${stamp} 0`), platform).toHaveCount(1);
  }
  await page.waitForTimeout(1000);
  expect(await lookupsInLog(page)).toBe(before);
  expect(errors).toEqual([]);
});

test('a group shows its name, its member count and each sender by name', async ({ page }) => {
  await logIn(page);
  const stamp = `group ${Date.now()}`;
  await customerSays(page, 'wecom', { text: `${stamp} a`, customer: 0, group: true });
  await customerSays(page, 'wecom', { text: `${stamp} b`, customer: 1, group: true });
  const row = rowOf(page, 'wecom', '售后服务群', `${stamp} b`);
  await expect(row).toHaveCount(1, { timeout: 20_000 });
  await expectPicture(row);
  await row.click();
  const header = page.locator('.thread-header');
  await expect(header.locator('h2')).toHaveText('售后服务群');
  await expect(header.locator('.member-count')).toHaveText('3 members');
  const first = page.locator('.message-list .bubble', { hasText: `${stamp} a` });
  await expect(first.locator('.bubble-meta strong')).toHaveText('林晓');
  await expectPicture(first);
  await expect(page.locator('.message-list .bubble', { hasText: `${stamp} b` }).locator('.bubble-meta strong')).toHaveText('Ming Zhao');

  // Its raw payload in the inspector (a fresh page load): the events name the sender and the
  // group as the log's profile answers do.
  const href = await first.locator('.inspect-link').getAttribute('href');
  await page.goto(href);
  const event = page.locator('.event-list .event.bubble', { hasText: `${stamp} a` });
  await expect(event.locator('.bubble-meta strong')).toHaveText('林晓');
  await expect(event.locator('.described', { hasText: '林晓' })).toHaveCount(1);
  await expect(event.locator('.described', { hasText: /售后服务群.*3 members/ })).toHaveCount(1);
});

test('a picture that fails to load leaves the initial of the name', async ({ page }) => {
  // Every picture fails, as when a platform's image host is down.
  let refused = 0;
  await page.route('**/api/media/**', (route) => {
    refused += 1;
    return route.fulfill({ status: 502, body: '' });
  });
  await logIn(page);
  const stamp = `broken ${Date.now()}`;
  await customerSays(page, 'wechat', { text: stamp, customer: 1 });
  const row = rowOf(page, 'wechat', 'Ming Zhao', stamp);
  await expect(row).toHaveCount(1, { timeout: 20_000 });
  // The picture was tried and failed (not merely absent), and the initial stands in for it.
  await expect.poll(() => refused, { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(row.locator('.avatar')).toHaveText('M');
  await expect(row.locator('.avatar img')).toHaveCount(0);
});
