// The desk against the release build and the sandbox: live customer messages on every platform,
// unread badges, login, and a dropped live stream that loses and repeats nothing.
import { test, expect } from '@playwright/test';
import { ADMIN, logIn } from '../support/agents.mjs';
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PLATFORMS = ['yunhu', 'douyin', 'wecom', 'mixin', 'wechat'];

// `to: 'bot'`: a Yunhu customer writes to the bot (its webhook) instead of the user account (its socket).
async function customerSays(page, platform, text, customer = 1, format = 'text', to = undefined) {
  const response = await page.request.post(`/api/sandbox/${platform}/customer-message`, { data: { text, customer, format, to } });
  expect(response.ok()).toBeTruthy();
  const delivered = await response.json();
  expect(delivered.status).toBe(200);
  return delivered;
}

// The first answer `pick` gives for a row of the log (scanned from the start), or null.
async function findInLog(page, pick) {
  let after = 0;
  for (;;) {
    const log = await (await page.request.get(`/api/events?after=${after}&limit=1000`)).json();
    for (const event of log.events) {
      const found = pick(event, Buffer.from(event.body_base64, 'base64').toString('utf8'));
      if (found !== undefined && found !== null) return found;
    }
    if (!log.more) return null;
    after = log.next_after;
  }
}

test('the desk asks for a name and password, then shows the log', async ({ page }) => {
  await page.goto('/desk');
  const form = page.getByRole('form', { name: 'Log in' });
  await expect(form).toBeVisible();
  await form.getByLabel('Name').fill(ADMIN.name);
  await form.getByLabel('Password').fill('not the password');
  await form.getByRole('button', { name: 'Log in' }).click();
  await expect(form.getByRole('alert')).toHaveText('That name and password do not match an agent.');
  await form.getByLabel('Password').fill(ADMIN.password);
  await form.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('connection')).toHaveText('live');
  // The seed payloads are already in the log.
  await expect(page.locator('.conversation-row').first()).toBeVisible();
});

for (const platform of PLATFORMS) {
  test(`a ${platform} customer message appears live with an unread badge`, async ({ page }) => {
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await logIn(page);
    const text = `${platform} asks about order ${Date.now()}`;
    await customerSays(page, platform, text);
    const row = page.locator(`.conversation-row[data-platform="${platform}"]`, { hasText: text });
    await expect(row).toBeVisible();
    await expect(row.locator('.unread-badge')).toHaveText(/^[1-9]\d*$/);
    await expect(page.locator(`.platform-entry:not(.inbox-entry)[data-platform="${platform}"] .unread-badge`)).toBeVisible();
    await expect(page.locator('.conversation-row').first()).toHaveAttribute('data-platform', platform);

    await row.click();
    await expect(page.locator('.message-list .bubble', { hasText: text })).toHaveCount(1);
    await expect(row.locator('.unread-badge')).toHaveCount(0);
    expect(errors).toEqual([]);
  });
}

// Mixin comes back from Blaze's pending queue; Yunhu's socket keeps nothing, so the server fills
// the gap from the chat's history after it logs in again.
for (const [platform, name, line] of [['mixin', 'Mixin', 'the Blaze WebSocket'], ['yunhu', 'Yunhu', 'its WebSocket']]) {
  test(`when the ${name} line is cut the status line names ${name}; what the customer wrote meanwhile arrives once, after it`, async ({ page }) => {
    test.setTimeout(120_000);
    await logIn(page);
    await expect(page.getByTestId('receiving')).toHaveCount(0);
    // The chat has had traffic on the line (the gap fill covers the chats the log has seen).
    await customerSays(page, platform, `${platform} before the cut ${Date.now()}`, 0);
    // Long enough for the desk's next look at /api/config (every 5 s) to find the line down.
    const cut = await page.request.post(`/api/sandbox/${platform}/drop-connection`, { data: { refuse_for_secs: 20 } });
    expect(cut.status()).toBe(204);
    await expect(page.getByTestId('receiving')).toContainText(new RegExp(`${name}: Not receiving: (reconnecting|connecting) to ${line}`), { timeout: 15_000 });
    const text = `${platform} while cut ${Date.now()}`;
    const response = await page.request.post(`/api/sandbox/${platform}/customer-message`, { data: { text, customer: 0 } });
    expect((await response.json()).queued).toBe(true);
    const row = page.locator(`.conversation-row[data-platform="${platform}"]`, { hasText: text });
    await expect(row).toBeVisible({ timeout: 60_000 });
    await expect(row.locator('.unread-badge')).toHaveText(/^[1-9]\d*$/);
    await expect(page.getByTestId('receiving')).toHaveCount(0, { timeout: 15_000 });
    await row.click();
    await expect(page.locator('.message-list .bubble', { hasText: text })).toHaveCount(1);
  });
}

test('Alt+J / Alt+K move through conversations and / focuses search', async ({ page }) => {
  await logIn(page);
  await customerSays(page, 'wechat', `first ${Date.now()}`, 0);
  await customerSays(page, 'douyin', `second ${Date.now()}`, 0);
  await page.locator('body').press('Alt+j');
  await expect(page.locator('.conversation-row').nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.locator('body').press('Alt+j');
  await expect(page.locator('.conversation-row').nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.locator('body').press('Alt+k');
  await expect(page.locator('.conversation-row').nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.locator('body').press('/');
  await expect(page.getByLabel('Search conversations')).toBeFocused();
  await page.keyboard.type('second');
  await expect(page.locator('.conversation-row')).toHaveCount(1);
});

test('a dropped live stream resumes with nothing lost and nothing repeated', async ({ page }) => {
  await logIn(page);
  const stamp = Date.now();
  const texts = [];
  const say = async (n) => {
    const text = `stream ${stamp} #${n}`;
    texts.push(text);
    await customerSays(page, 'wechat', text, 0);
  };
  await say(1);
  const row = page.locator('.conversation-row[data-platform="wechat"]', { hasText: `#1` });
  await row.click();
  await expect(page.locator('.message-list .bubble', { hasText: texts[0] })).toHaveCount(1);

  // Cut the stream (window.stop() drops the open EventSource connection) and keep it cut while
  // four messages arrive; then let it back.
  let blocked = true;
  await page.route('**/api/events/stream**', (route) => (blocked ? route.abort() : route.continue()));
  await page.evaluate(() => window.stop());
  await expect(page.getByTestId('connection')).toHaveText('reconnecting…');
  for (let n = 2; n <= 5; n++) await say(n);
  await expect(page.locator('.message-list .bubble', { hasText: texts[1] })).toHaveCount(0);
  blocked = false;
  await expect(page.getByTestId('connection')).toHaveText('live');
  await say(6);

  for (const text of texts) {
    await expect(page.locator('.message-list .bubble', { hasText: text })).toHaveCount(1);
  }
  // In order, each exactly once.
  const shown = await page.locator('.message-list .bubble .bubble-text').allTextContents();
  const ours = shown.filter((text) => text.startsWith(`stream ${stamp}`));
  expect(ours).toEqual(texts);
});

test('a bubble opens its raw payload in the inspector', async ({ page }) => {
  await logIn(page);
  const text = `inspect me ${Date.now()}`;
  await customerSays(page, 'douyin', text, 0);
  await page.locator('.conversation-row', { hasText: text }).click();
  await page.locator('.message-list .bubble', { hasText: text }).getByRole('link', { name: 'inspect' }).click();
  await expect(page).toHaveURL(/\/inspect#log=\d+$/);
  await expect(page.locator('.events')).toContainText(text);
});

test('a webhook from the log, copied as curl and run, is the same delivery; replayed in the sandbox too', async ({ page }) => {
  await logIn(page);
  const text = `curl me ${Date.now()}`;
  const delivered = await customerSays(page, 'wecom', text, 0);
  await page.goto(`/inspect#log=${delivered.seq}`);
  await expect(page.locator('.events')).toContainText(text);
  const original = (await (await page.request.get(`/api/events?after=${delivered.seq - 1}&limit=1`)).json()).events[0];
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  const command = await page.getByLabel('curl command').inputValue();
  expect(command).toContain('${SWITCHBOARD_WEBHOOK_SECRET:?');
  const secret = readFileSync(join(process.env.SWITCHBOARD_E2E_DATA, 'webhook-secrets/wecom'), 'utf8').trim();
  const run = (script) => execFileSync('bash', ['-c', script], { env: { ...process.env, SWITCHBOARD_WEBHOOK_SECRET: secret } }).toString();

  // What the command sends, byte for byte, caught by a listener of our own.
  const caught = await new Promise((resolve) => {
    const server = createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        response.end('{"ok":true}');
        server.close();
        resolve({ url: request.url, headers: request.headers, body: Buffer.concat(chunks) });
      });
    }).listen(0, '127.0.0.1', () => {
      // Not `run`: a synchronous child would block the listener it talks to.
      const origin = new URL(page.url()).origin;
      const script = command.replace(`'${origin}/`, `'http://127.0.0.1:${server.address().port}/`);
      execFile('bash', ['-c', script], { env: { ...process.env, SWITCHBOARD_WEBHOOK_SECRET: secret } }, () => {});
    });
  });
  expect(caught.url).toBe(`/hooks/wecom/${secret}`);
  expect(caught.body.toString('base64')).toBe(original.body_base64);
  for (const [name, value] of original.headers) expect(caught.headers[name.toLowerCase()]).toBe(value);

  // Sent to the intake itself: the same delivery, which the log already holds as that row.
  const answer = run(command.replace('curl -sS', 'curl -sS -i'));
  expect(answer).toContain(`x-switchboard-seq: ${original.seq}\r\n`);
  expect(answer).toContain('x-switchboard-duplicate: true\r\n');

  await page.getByRole('button', { name: 'Replay into the intake' }).click();
  await expect(page.locator('.actions-bar .notice')).toHaveText(
    `Replayed into the intake: the log already holds it, as row ${original.seq}`,
  );
});

for (const platform of PLATFORMS) {
  test(`on ${platform} the agent replies (sending → sent) and recalls it`, async ({ page }) => {
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await logIn(page);
    const question = `${platform} question ${Date.now()}`;
    await customerSays(page, platform, question, 1);
    await page.locator('.conversation-row', { hasText: question }).click();

    const reply = `${platform} answer ${Date.now()}`;
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(reply);
    await box.press('Enter');
    await expect(box).toHaveValue('');
    const sent = page.locator('.message-list .bubble.outgoing', { hasText: reply });
    await expect(sent.locator('.status')).toHaveText('sent');
    await expect(sent).toHaveCount(1);
    // Once recalled its text is hidden: follow the bubble by its message id.
    const bubble = page.locator(`.message-list .bubble[data-message="${await sent.getAttribute('data-message')}"]`);

    await bubble.getByRole('button', { name: 'recall' }).click();
    await expect(bubble.locator('.recalled-mark')).toHaveText('recalled');
    await bubble.getByRole('button', { name: 'show original' }).click();
    await expect(bubble.locator('.bubble-text')).toHaveText(reply);
    expect(errors).toEqual([]);
  });
}

test('Shift+Enter starts a new line and Ctrl+Enter sends', async ({ page }) => {
  await logIn(page);
  const question = `douyin multi-line ${Date.now()}`;
  await customerSays(page, 'douyin', question, 0);
  await page.locator('.conversation-row', { hasText: question }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('line one');
  await box.press('Shift+Enter');
  await box.type('line two');
  await expect(box).toHaveValue('line one\nline two');
  await box.press('Control+Enter');
  const bubble = page.locator('.message-list .bubble.outgoing', { hasText: 'line two' });
  await expect(bubble.locator('.status')).toHaveText('sent');
});

// A real PNG (red, 1×1) padded past its end to 1 MiB, so the upload takes long enough to watch.
function paddedPng() {
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
    'base64',
  );
  return Buffer.concat([png, Buffer.alloc(1024 * 1024)]);
}

for (const platform of PLATFORMS) {
  test(`on ${platform} an image upload shows its progress, then the image`, async ({ page }) => {
    await logIn(page);
    const question = `${platform} wants a photo ${Date.now()}`;
    await customerSays(page, platform, question, 1);
    await page.locator('.conversation-row', { hasText: question }).click();

    // Throttle uploads (Chromium's own network emulation) so the progress is visible.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024,
    });
    await page.getByLabel('Attach an image').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: paddedPng() });
    const progress = page.locator('.bubble.draft .upload-progress');
    await expect(progress).toBeVisible();
    await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 10_000 }).toBeGreaterThan(0);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const sent = page.locator('.message-list .bubble.outgoing:not(.draft)').last();
    await expect(sent.locator('.status')).toHaveText('sent', { timeout: 15_000 });
    const image = sent.locator('img.bubble-image');
    await expect(image).toBeVisible();
    await expect.poll(() => image.evaluate((element) => element.complete && element.naturalWidth)).toBe(1);
    await expect(page.locator('.bubble.draft')).toHaveCount(0);
    // And the image can be recalled like any message of ours.
    await sent.getByRole('button', { name: 'recall' }).click();
    await expect(sent).toContainText('recalled');
  });
}

for (const platform of ['yunhu', 'mixin']) {
  test(`on ${platform} a reply can go as Markdown and shows rendered`, async ({ page }) => {
    await logIn(page);
    const question = `${platform} wants a summary ${Date.now()}`;
    await customerSays(page, platform, question, 1);
    await page.locator('.conversation-row', { hasText: question }).click();
    await page.getByLabel('Markdown').check();
    await page.getByRole('textbox', { name: 'Message' }).fill('**已发货** — 单号 `SF1234`');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    const sent = page.locator('.message-list .bubble.outgoing:not(.draft)').last();
    await expect(sent.locator('.status')).toHaveText('sent');
    await expect(sent.locator('.bubble-markdown strong')).toHaveText('已发货');
    await expect(sent.locator('.bubble-markdown code')).toHaveText('SF1234');
  });
}

for (const platform of ['yunhu', 'mixin']) {
  test(`on ${platform} the agent answers a message with a quote of it`, async ({ page }) => {
    await logIn(page);
    const question = `${platform} asks which size ${Date.now()}`;
    await customerSays(page, platform, question, 1);
    await page.locator('.conversation-row', { hasText: question }).click();
    const asked = page.locator('.message-list .bubble:not(.outgoing)', { hasText: question });
    await asked.getByRole('button', { name: 'reply' }).click();
    const message = page.getByRole('textbox', { name: 'Message' });
    await expect(message).toBeFocused();
    await expect(page.getByTestId('replying')).toContainText(question);
    await message.press('Escape');
    await expect(page.getByTestId('replying')).toHaveCount(0);
    await asked.getByRole('button', { name: 'reply' }).click();
    await message.fill('M 码');
    await message.press('Enter');
    await expect(page.getByTestId('replying')).toHaveCount(0);
    const sent = page.locator('.message-list .bubble.outgoing:not(.draft)').last();
    await expect(sent.locator('.status')).toHaveText('sent');
    await expect(sent.locator('blockquote.quote')).toContainText(question);
  });
}

test('a long thread keeps a window of bubbles in the page, pages through the rest, and keeps what the agent types', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page);
  const tag = `long-${Date.now()}`;
  const say = (n) => customerSays(page, 'wechat', `${tag} #${String(n).padStart(3, '0')}`, 4242);
  for (let n = 1; n <= 140; n++) await say(n);
  await page.locator('.conversation-row', { hasText: `${tag} #140` }).click();
  const bubbles = page.locator('.message-list .bubble');
  await expect(bubbles.last()).toContainText(`${tag} #140`);
  await expect(bubbles).toHaveCount(120);
  await expect(bubbles.first()).toContainText(`${tag} #021`);

  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill('half a reply');
  await say(141);
  await expect(bubbles.last()).toContainText(`${tag} #141`);
  await expect(bubbles).toHaveCount(120);
  await expect(message).toHaveValue('half a reply');

  // The sandbox's customers are few: other tests may have written in this thread too.
  const earlier = page.getByRole('button', { name: /^show earlier \(\d+ more\)$/ });
  const hidden = Number((await earlier.textContent()).match(/\d+/)[0]);
  expect(hidden).toBeGreaterThanOrEqual(21);
  await earlier.click();
  await expect(bubbles).toHaveCount(120);
  await expect(page.getByRole('button', { name: `show later (${Math.min(hidden, 60)} more)` })).toBeVisible();
  // Back at the conversation's start when the window moved far enough.
  if (hidden <= 60) await expect(earlier).toHaveCount(0);
  await expect(bubbles.last()).not.toContainText(`${tag} #141`);
  await page.getByRole('button', { name: 'newest' }).click();
  await expect(bubbles.last()).toContainText(`${tag} #141`);
  await expect(page.getByRole('button', { name: /show later/ })).toHaveCount(0);
});

test('platforms that take no quotes offer no reply button', async ({ page }) => {
  await logIn(page);
  const question = `douyin no quotes ${Date.now()}`;
  await customerSays(page, 'douyin', question, 1);
  await page.locator('.conversation-row', { hasText: question }).click();
  const asked = page.locator('.message-list .bubble', { hasText: question });
  await expect(asked.getByRole('link', { name: 'inspect' })).toBeVisible();
  await expect(asked.getByRole('button', { name: 'reply' })).toHaveCount(0);
});

test('platforms that render no Markdown offer no Markdown toggle', async ({ page }) => {
  await logIn(page);
  const question = `wecom plain ${Date.now()}`;
  await customerSays(page, 'wecom', question, 1);
  await page.locator('.conversation-row', { hasText: question }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(page.getByLabel('Markdown')).toHaveCount(0);
});

for (const platform of ['yunhu', 'wecom', 'mixin', 'wechat']) {
  test(`on ${platform} a file goes out as a file message with its name, and can be recalled`, async ({ page }) => {
    await logIn(page);
    const question = `${platform} wants the price list ${Date.now()}`;
    await customerSays(page, platform, question, 1);
    await page.locator('.conversation-row', { hasText: question }).click();
    await page.getByLabel('Attach a file').setInputFiles({
      name: '价目表.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% price list\n%%EOF\n'),
    });
    const sent = page.locator('.message-list .bubble.outgoing:not(.draft)').last();
    await expect(sent.locator('.status')).toHaveText('sent', { timeout: 15_000 });
    await expect(sent).toContainText('价目表.pdf');
    await expect(page.locator('.bubble.draft')).toHaveCount(0);
    await sent.getByRole('button', { name: 'recall' }).click();
    await expect(sent).toContainText('recalled');
  });
}

test('Douyin sends no files: the file button is not there', async ({ page }) => {
  await logIn(page);
  const question = `douyin no files ${Date.now()}`;
  await customerSays(page, 'douyin', question, 1);
  await page.locator('.conversation-row', { hasText: question }).click();
  await expect(page.getByLabel('Attach an image')).toBeVisible();
  await expect(page.getByLabel('Attach a file')).toHaveCount(0);
});

test('on Yunhu "Load earlier messages" pages back through the chat to its beginning', async ({ page }) => {
  await logIn(page);
  // The seed's direct chat: the log holds one message, the platform 45 more before it.
  await page.getByLabel('Search conversations').fill('7356666');
  // Found by its id, though its row shows the customer's name.
  await page.locator('.conversation-row[data-platform="yunhu"][data-conversation*="7356666"]').first().click();
  const bubbles = page.locator('.message-list .bubble');
  const before = await bubbles.count();
  await page.getByRole('button', { name: 'Load earlier messages' }).click();
  await expect(bubbles).toHaveCount(before + 30);
  await expect(bubbles.first()).toHaveAttribute('data-message', '7356666-history-015');
  await page.getByRole('button', { name: 'Load earlier messages' }).click();
  await expect(bubbles).toHaveCount(before + 45);
  await expect(bubbles.first()).toHaveAttribute('data-message', '7356666-history-000');
  await expect(bubbles.first()).toContainText('历史消息 1');
  // Our own replies in the history show as sent.
  await expect(page.locator('.bubble[data-message="7356666-history-003"] .status')).toHaveText('sent');
  await expect(page.getByText('Beginning of the conversation')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Load earlier messages' })).toHaveCount(0);
  // History is old news: nothing became unread.
  await expect(page.locator('.conversation-row[aria-selected="true"] .unread-badge')).toHaveCount(0);
});

test('a 视频号 customer writes to the Channels inbox; the reply goes through privateSend into the session', async ({ page }) => {
  await logIn(page);
  const text = `channels asks ${Date.now()}`;
  const response = await page.request.post('/api/sandbox/wechat/customer-message', { data: { text, customer: 0, channel: 'finder' } });
  // No callback: only the server's pull (every 5 s in the sandbox, or now) brings it.
  expect((await response.json()).queued).toBe(true);
  await page.getByRole('button', { name: 'Pull WeChat messages now' }).click();
  const inbox = page.locator('.inbox-entry[data-platform="wechat"]');
  await expect(inbox.locator('.unread-badge')).toHaveText(/^[1-9]\d*$/);
  await inbox.click();
  await expect(inbox).toHaveAttribute('aria-pressed', 'true');
  const row = page.locator('.conversation-row[data-kind="channels_inbox"]', { hasText: text });
  await expect(row).toBeVisible();
  await expect(row.locator('.kind-badge')).toHaveText('Channels');
  // Only the inbox is listed: ordinary chats are not.
  await expect(page.locator('.conversation-row:not([data-kind="channels_inbox"])')).toHaveCount(0);
  const session = await row.getAttribute('data-conversation');
  expect(session).toMatch(/@findermsg$/);
  await expect(row.locator('.conversation-title')).toContainText('@findermsgstranger');
  await row.click();
  await expect(page.locator('.message-list .bubble', { hasText: text })).toHaveCount(1);
  // Text only: no source names images, files or recalls for private messages.
  await expect(page.getByLabel('Attach an image')).toHaveCount(0);
  await expect(page.getByLabel('Attach a file')).toHaveCount(0);
  const reply = `您好，这里是客服 ${Date.now()}`;
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(reply);
  await box.press('Enter');
  const sent = page.locator('.message-list .bubble.outgoing', { hasText: reply });
  await expect(sent.locator('.status')).toHaveText('sent');
  await expect(sent.getByRole('button', { name: 'recall' })).toHaveCount(0);
  // The emulator checks the session and both names (it refuses anything else); the log shows them.
  await expect.poll(() => findInLog(page, (event, body) => {
    const url = event.headers.find(([name]) => name === ':url');
    if (event.direction !== 'outbound' || !url || !url[1].endsWith('/privateSend')) return null;
    const sent = JSON.parse(body);
    if (sent.content !== reply) return null;
    return [sent.sessionId === session, sent.toUserName.endsWith('@findermsgstranger'), sent.myUserName.endsWith('@finder')];
  })).toEqual([true, true, true]);
  // The next pull brings our reply back (isSender 1): once it is in the log, it is still one bubble.
  await page.getByRole('button', { name: 'Pull WeChat messages now' }).click();
  await expect.poll(() => findInLog(page, (event, body) => (event.platform === 'wechat' && event.direction === 'response' && body.includes(reply)) || null), { timeout: 15_000 }).toBe(true);
  await page.waitForTimeout(500);
  await expect(page.locator('.message-list .bubble', { hasText: reply })).toHaveCount(1);
  await expect(page.locator('.message-list .bubble', { hasText: text })).toHaveCount(1);

  // An ordinary WeChat customer still comes by callback, into a chat outside the inbox.
  const ordinary = `wechat chat ${Date.now()}`;
  await customerSays(page, 'wechat', ordinary, 0);
  await page.locator('.platform-entry[data-platform="wechat"]:not(.inbox-entry)').click();
  const chat = page.locator('.conversation-row[data-platform="wechat"]', { hasText: ordinary });
  await expect(chat).toBeVisible();
  await expect(chat).not.toHaveAttribute('data-kind', 'channels_inbox');
  await chat.click();
  const answer = `chat answer ${Date.now()}`;
  await box.fill(answer);
  await box.press('Enter');
  await expect(page.locator('.message-list .bubble.outgoing', { hasText: answer }).locator('.status')).toHaveText('sent');
  await expect.poll(() => findInLog(page, (event, body) => {
    const url = event.headers.find(([name]) => name === ':url');
    if (event.direction !== 'outbound' || !url || !body.includes(answer)) return null;
    return [url[1].endsWith('/sendText'), JSON.parse(body).wcId === 'wxid_sandbox_customer_c1'];
  })).toEqual([true, true]);
});

test('hostile Markdown and HTML from a customer render without running anything', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => { errors.push(`dialog: ${dialog.message()}`); dialog.dismiss(); });
  await logIn(page);
  // The sandbox's Yunhu customer writes to the bot, which posts Yunhu's own webhook (the payload core
  // writes it). Its bot chat shares the conversation of the user chat with the same person.
  const stamp = Date.now();
  const markdownText = `**bold${stamp}** <img src=x onerror="window.__xss=1"> [x](javascript:window.__xss=1) <script>window.__xss=1</script>`;
  const htmlText = `<b>rich${stamp}</b><script>parent.__xss=1</script><img src=x onerror="parent.__xss=1">`;
  const markdownSent = await customerSays(page, 'yunhu', markdownText, 1, 'markdown', 'bot');
  const htmlSent = await customerSays(page, 'yunhu', htmlText, 1, 'html', 'bot');
  await page.locator('.conversation-row[data-platform="yunhu"]', { hasText: 'Ming Zhao' }).filter({ hasText: `rich${stamp}` }).click();
  const markdown = page.locator(`.bubble[data-message="${markdownSent.message_id}"] .bubble-markdown`);
  await expect(markdown.locator('strong')).toHaveText(`bold${stamp}`);
  await expect(markdown).toContainText('<script>');
  await expect(markdown.locator('img, script')).toHaveCount(0);
  const frame = page.locator(`.bubble[data-message="${htmlSent.message_id}"] iframe.bubble-html`);
  await expect(frame).toHaveAttribute('sandbox', '');
  // It is shown (the page's CSP lets the sandboxed frame render), just never run.
  await expect(frame.contentFrame().locator('b')).toHaveText(`rich${stamp}`);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  expect(errors).toEqual([]);
});

test('opening a Mixin conversation sends read receipts for the customer\'s messages', async ({ page }) => {
  await logIn(page);
  const text = `mixin read me ${Date.now()}`;
  const delivered = await customerSays(page, 'mixin', text, 0);
  await page.locator('.conversation-row', { hasText: text }).click();
  await expect(page.locator('.message-list .bubble', { hasText: text })).toHaveCount(1);
  await expect.poll(() => findInLog(page, (event, body) => (
    event.platform === 'mixin' && event.direction === 'outbound' && body.includes(delivered.message_id) && body.includes('"READ"')
  ) || null)).toBe(true);
});

test('on Yunhu the agent edits a sent message; Esc cancels an edit; other platforms offer no edit', async ({ page }) => {
  await logIn(page);
  const question = `yunhu edit ${Date.now()}`;
  await customerSays(page, 'yunhu', question, 0);
  await page.locator('.conversation-row', { hasText: question }).click();
  const reply = `first words ${Date.now()}`;
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(reply);
  await box.press('Enter');
  const sent = page.locator('.message-list .bubble.outgoing', { hasText: reply });
  await expect(sent.locator('.status')).toHaveText('sent');
  const bubble = page.locator(`.message-list .bubble[data-message="${await sent.getAttribute('data-message')}"]`);

  await bubble.getByRole('button', { name: 'edit' }).click();
  await bubble.getByRole('textbox', { name: 'Edit message' }).press('Escape');
  await expect(bubble.getByRole('textbox', { name: 'Edit message' })).toHaveCount(0);

  await bubble.getByRole('button', { name: 'edit' }).click();
  const editor = bubble.getByRole('textbox', { name: 'Edit message' });
  await editor.fill('better words');
  await editor.press('Enter');
  await expect(bubble.locator('.edited')).toHaveText('edited');
  await expect(bubble.locator('> .bubble-text')).toHaveText('better words');
  await expect(bubble.locator('details.before-edit')).toContainText(reply);

  const other = `wechat no edit ${Date.now()}`;
  await customerSays(page, 'wechat', other, 0);
  await page.locator('.conversation-row', { hasText: other }).click();
  await box.fill('no edit here');
  await box.press('Enter');
  const wechat = page.locator('.message-list .bubble.outgoing', { hasText: 'no edit here' });
  await expect(wechat.locator('.status')).toHaveText('sent');
  await expect(wechat.getByRole('button', { name: 'edit' })).toHaveCount(0);
});
