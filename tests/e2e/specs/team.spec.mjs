// A team at the desk, two agents in two browsers: assignment and the Mine tab, "is typing…",
// a private note with an @mention that notifies and never reaches a platform, resolve and
// reopen when the customer writes again, a reply that names its agent, canned replies, each
// agent's own unread counts after a reload and in another browser, and a disabled agent's open
// page sent to the login form.
import { test, expect } from '@playwright/test';
import { ADMIN, AGENT, logIn } from '../support/agents.mjs';

const PLATFORMS = ['yunhu', 'douyin', 'wecom', 'mixin', 'wechat'];

async function customerSays(page, platform, text, customer) {
  const response = await page.request.post(`/api/sandbox/${platform}/customer-message`, { data: { text, customer } });
  expect(response.ok(), await response.text()).toBeTruthy();
}

async function received(page, platform, text) {
  const answer = await page.request.get(`/api/sandbox/${platform}/received?contains=${encodeURIComponent(text)}`);
  expect(answer.ok()).toBeTruthy();
  return (await answer.json()).containing;
}

test('two agents share a conversation: assign, typing, a note with @mention, resolve, reopen, a reply that names its agent', async ({ browser }) => {
  const wang = await (await browser.newContext()).newPage();
  const li = await (await browser.newContext()).newPage();
  const errors = [];
  for (const page of [wang, li]) page.on('pageerror', (error) => errors.push(error.message));
  await logIn(wang, ADMIN);
  await logIn(li, AGENT);
  const run = Date.now();
  const question = `退款什么时候到账 ${run}`;
  await customerSays(wang, 'douyin', question, 2);

  // 王芳 assigns the conversation to 李娜; the list says so, and 李娜 finds it under Mine.
  await wang.locator('.conversation-row', { hasText: question }).click();
  await wang.getByLabel('Assign to').selectOption(AGENT.name);
  await expect(wang.locator('.conversation-row', { hasText: question }).locator('.assignee')).toHaveText(`→ ${AGENT.name}`);
  await li.getByRole('button', { name: 'Mine', exact: true }).click();
  const mine = li.locator('.conversation-row', { hasText: question });
  await expect(mine).toBeVisible();
  await expect(li.locator('.conversation-row')).toHaveCount(1);
  await mine.click();

  // 王芳 types: 李娜 sees it in the thread header.
  await wang.getByRole('textbox', { name: 'Message' }).pressSequentially('您好');
  await expect(li.getByTestId('presence')).toContainText(`${ADMIN.name} is typing…`);

  // A private note naming 李娜: she is told, it shows as a note, and no platform received it.
  const note = `note-${run} 客户说已经等了三天`;
  await wang.getByRole('textbox', { name: 'Message' }).fill('');
  await wang.keyboard.press('Alt+P');
  const noteBox = wang.getByRole('textbox', { name: 'Note' });
  await expect(noteBox).toBeFocused();
  await expect(wang.locator('form.composer')).toHaveClass(/note-mode/);
  await noteBox.fill(`@${AGENT.name} ${note}`);
  await noteBox.press('Enter');
  await expect(li.getByTestId('mention')).toContainText(`${ADMIN.name} mentioned you`);
  await expect(li.locator('.message-list .bubble.note', { hasText: note })).toContainText('Private note');
  await expect(wang.locator('.message-list .bubble.note', { hasText: note })).toBeVisible();
  for (const platform of PLATFORMS) {
    expect(await received(wang, platform, note), `${platform} received the note`).toBe(0);
  }

  // 李娜 resolves (Alt+E); the customer writes again and it is open again.
  await li.keyboard.press('Alt+E');
  await expect(li.getByTestId('status')).toHaveText('Resolved');
  await expect(wang.getByTestId('status')).toHaveText('Resolved');
  await expect(li.locator('.conversation-row', { hasText: question })).toHaveCount(0);
  const again = `还在吗 ${run}`;
  await customerSays(wang, 'douyin', again, 2);
  await expect(li.getByTestId('status')).toHaveText('Open');
  await expect(li.locator('.conversation-row', { hasText: again })).toBeVisible();

  // 李娜 replies; 王芳 sees who answered.
  const reply = `已经在处理了 ${run}`;
  await li.getByRole('textbox', { name: 'Message' }).fill(reply);
  await li.getByRole('textbox', { name: 'Message' }).press('Enter');
  const bubble = wang.locator('.message-list .bubble.outgoing', { hasText: reply });
  await expect(bubble.locator('.bubble-meta')).toContainText(`${AGENT.name} (agent)`);
  await expect(bubble.locator('.status')).toHaveText('sent');
  await expect(li.locator('.message-list .bubble.outgoing', { hasText: reply }).locator('.bubble-meta')).toContainText(`${AGENT.name} (you)`);
  expect(await received(wang, 'douyin', reply), 'the reply reached Douyin').toBe(1);
  expect(errors).toEqual([]);
});

test('canned replies are picked with / and filled in for the customer and the agent', async ({ page }) => {
  await logIn(page, AGENT);
  const saved = await page.request.put('/api/canned/thanks', { data: { text: '感谢您的耐心，{{customer.name}}！我是{{agent.name}}。' } });
  expect(saved.status()).toBe(204);
  // The desk reads canned replies as it opens.
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText('live');
  const question = `可以开发票吗 ${Date.now()}`;
  await customerSays(page, 'wecom', question, 1);
  await page.locator('.conversation-row', { hasText: question }).click();
  const title = (await page.locator('.thread-header h2').textContent()).trim();
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.pressSequentially('/than');
  const picker = page.getByRole('listbox', { name: 'Canned replies' });
  await expect(picker.getByRole('option')).toHaveCount(1);
  await box.press('Enter');
  await expect(box).toHaveValue(`感谢您的耐心，${title}！我是${AGENT.name}。`);
  await expect(picker).toHaveCount(0);
});

test('unread counts are each agent\'s own, after a reload and in another browser', async ({ browser }) => {
  const wang = await (await browser.newContext()).newPage();
  const li = await (await browser.newContext()).newPage();
  await logIn(wang, ADMIN);
  await logIn(li, AGENT);
  const text = `请问发货了吗 ${Date.now()}`;
  await customerSays(wang, 'wechat', text, 2);
  const row = (page) => page.locator('.conversation-row', { hasText: text });
  // Each agent's count is what they have not seen in that conversation (the earlier specs'
  // messages to the same customer count too).
  await expect(row(li).locator('.unread-badge')).toBeVisible();
  await expect(row(wang).locator('.unread-badge')).toBeVisible();
  const wangUnread = await row(wang).locator('.unread-badge').textContent();
  await row(li).click();
  await expect(row(li).locator('.unread-badge')).toHaveCount(0);
  await expect(row(wang).locator('.unread-badge')).toHaveText(wangUnread);
  // The read mark is a desk row of 李娜's about this conversation: it is in the log.
  const conversation = await row(li).getAttribute('data-conversation');
  await expect.poll(async () => {
    const log = await (await li.request.get('/api/events?before=9223372036854775807&limit=50')).json();
    return log.events.some((event) => {
      if (event.direction !== 'desk') return false;
      const fact = JSON.parse(Buffer.from(event.body_base64, 'base64').toString('utf8'));
      return fact.kind === 'read' && fact.conversation === conversation
        && event.headers.some(([name, value]) => name === 'x-switchboard-agent' && value === AGENT.name);
    });
  }).toBe(true);
  await li.reload();
  await wang.reload();
  await expect(li.getByTestId('connection')).toHaveText('live');
  await expect(wang.getByTestId('connection')).toHaveText('live');
  await expect(row(li)).toBeVisible();
  await expect(row(li).locator('.unread-badge')).toHaveCount(0);
  await expect(row(wang).locator('.unread-badge')).toHaveText(wangUnread);
  const elsewhere = await (await browser.newContext()).newPage();
  await logIn(elsewhere, AGENT);
  await expect(row(elsewhere)).toBeVisible();
  await expect(row(elsewhere).locator('.unread-badge')).toHaveCount(0);
});

test('a disabled agent\'s open page gets 401 on its next call and the login form', async ({ browser }) => {
  const wang = await (await browser.newContext()).newPage();
  const li = await (await browser.newContext()).newPage();
  await logIn(wang, ADMIN, '/settings');
  await logIn(li, AGENT);
  const text = `disabled-${Date.now()}`;
  await customerSays(wang, 'douyin', text, 1);
  await li.locator('.conversation-row', { hasText: text }).click();
  // The admin disables 李娜 in Settings.
  const agent = wang.locator(`.agent[data-agent="${AGENT.name}"]`);
  await agent.getByRole('button', { name: 'disable' }).click();
  await expect(agent).toContainText('disabled');
  // Its next call is refused, whichever comes first: a reply, or the live stream (which the
  // server ends with the session) reconnecting.
  const box = li.getByRole('textbox', { name: 'Message' });
  if (await box.isVisible()) {
    await box.fill('one more reply');
    await box.press('Enter').catch(() => {});
  }
  await expect(li.getByRole('form', { name: 'Log in' })).toBeVisible();
  expect((await li.request.get('/api/config')).status()).toBe(401);
  // Enabled again: the other specs' runs log in as 李娜 too.
  await agent.getByRole('button', { name: 'enable' }).click();
  await expect(agent).not.toContainText('disabled');
});

test('an admin gives another agent a new password in Settings; the old one stops working', async ({ page, browser }) => {
  await logIn(page, ADMIN, '/settings');
  const agent = page.locator(`.agent[data-agent="${AGENT.name}"]`);
  const setTo = async (password) => {
    await agent.getByRole('button', { name: 'set password' }).click();
    const form = agent.getByRole('form', { name: `New password for ${AGENT.name}` });
    await form.getByLabel('New password').fill(password);
    await form.getByRole('button', { name: 'Set' }).click();
    await expect(form).toHaveCount(0);
  };
  // Logins from a browser of their own (this one stays the admin's).
  const elsewhere = (await browser.newContext()).request;
  const logsIn = async (password) => (await elsewhere.post('/api/login', { data: { name: AGENT.name, password } })).status();
  await setTo('一个全新的密码 2026');
  await expect.poll(() => logsIn('一个全新的密码 2026')).toBe(204);
  expect(await logsIn(AGENT.password)).toBe(401);
  await setTo(AGENT.password);
  await expect.poll(() => logsIn(AGENT.password)).toBe(204);
});
