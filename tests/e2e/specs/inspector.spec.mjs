// The inspector against the release build: every seed payload, files, errors, share links,
// overrides, the keyboard — and a measurement of paste-to-tree time.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const fixtures = resolve(import.meta.dirname, '../../../crates/payload/tests/fixtures');
const binary = process.env.SWITCHBOARD_BIN ?? resolve(import.meta.dirname, '../../../target/release/switchboard');

/** What the native core says of a file: the browser must show the same. */
function native(path) {
  return JSON.parse(execFileSync(binary, ['inspect', '--json', path], { maxBuffer: 64 << 20 }).toString());
}

const formatNames = {
  json: 'JSON', jsonc: 'JSON with comments', node_dump: 'Node console dump', textproto: 'protobuf text format',
  xml: 'XML', hex: 'hex', base64: 'base64', base64url: 'base64url', gzip: 'gzip', protobuf: 'protobuf', text: 'text',
  delimited: 'varint-delimited frames', grpc: 'gRPC / Connect frames', gzip_frames: 'gzip frames (Blaze)',
};
const platformNames = { yunhu: 'Yunhu', douyin: 'Douyin', wecom: 'WeCom', mixin: 'Mixin', wechat: 'WeChat' };

const seedFiles = ['douyin', 'wecom', 'mixin', 'wechat', 'yunhu'].flatMap((platform) =>
  readdirSync(join(fixtures, platform)).map((name) => join(platform, name)),
);

async function paste(page, text) {
  await page.getByLabel('Payload', { exact: true }).fill(text);
}

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`page error: ${error.message}`);
  });
});

for (const file of seedFiles) {
  test(`seed ${file} shows its platform, schema and first event`, async ({ page }) => {
    const expected = native(join(fixtures, file));
    await page.goto('/inspect');
    await paste(page, readFileSync(join(fixtures, file), 'utf8'));
    await expect(page.getByTestId('chain')).toHaveText(expected.chain.map((id) => formatNames[id]).join(' → '));
    await expect(page.getByTestId('platform')).toHaveText(platformNames[expected.platform] ?? 'unknown platform');
    if (expected.schema) {
      await expect(page.getByTestId('schema')).toContainText(expected.schema.name);
    } else {
      await expect(page.getByTestId('schema')).toHaveText('unknown schema');
    }
    const events = page.locator('.event-list > li');
    await expect(events).toHaveCount(expected.events.length);
    if (expected.events.length > 0) {
      const first = expected.events[0];
      await expect(events.first()).toHaveAttribute('data-type', first.type);
      const text = first.content?.text;
      if (first.type === 'message' && text) {
        await expect(events.first().locator('.bubble-text')).toContainText(text);
      }
    }
  });
}

test('a binary protobuf file dropped on the page decodes', async ({ page }) => {
  await page.goto('/inspect');
  const bytes = [...readFileSync(join(fixtures, 'proto/yunhu_push_message.bin'))];
  const transfer = await page.evaluateHandle((data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], 'push.bin', { type: 'application/octet-stream' }));
    return transfer;
  }, bytes);
  await page.locator('.inspector').dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByTestId('chain')).toHaveText('protobuf');
  await expect(page.getByTestId('schema')).toContainText('yunhu.WsWrapper');
  await expect(page.locator('.tree-row .label', { hasText: 'msg_id' }).first()).toBeVisible();
  await expect(page.locator('.event-list > li').first()).toHaveAttribute('data-type', 'message');
});

test('a file picked with the file input decodes', async ({ page }) => {
  await page.goto('/inspect');
  await page.getByLabel('Open a payload file').setInputFiles(join(fixtures, 'proto/douyin_new_message_notify.bin'));
  await expect(page.getByTestId('schema')).toContainText('douyin_im.Response');
  await expect(page.getByLabel('Payload', { exact: true })).toHaveAttribute('placeholder', /Loaded douyin_new_message_notify\.bin/);
});

test('a truncated protobuf shows the offset of the error and the tree before it', async ({ page }) => {
  await page.goto('/inspect');
  const hex = readFileSync(join(fixtures, 'proto/yunhu_send_message_request.hex'), 'utf8').trim();
  // Cut inside the content field: the fields before it must still show.
  await paste(page, hex.slice(0, 120));
  await expect(page.getByRole('alert')).toContainText(/protobuf at byte \d+: expected a length that fits in the input/);
  await expect(page.locator('.tree-row')).not.toHaveCount(1);
  await expect(page.locator('.tree-row .value', { hasText: '4f9c2a7be1d34c0f9a8e6b5d4c3b2a19' })).toBeVisible();
  await expect(page.locator('.byte.error')).toHaveCount(1);
});

test('a varint-delimited stream of three messages shows three frames, each with its bytes', async ({ page }) => {
  const push = readFileSync(join(fixtures, 'proto/yunhu_push_message.bin'));
  const length = [];
  for (let value = push.length; ; value >>= 7) {
    if (value < 0x80) { length.push(value); break; }
    length.push((value & 0x7f) | 0x80);
  }
  const frame = Buffer.concat([Buffer.from(length), push]);
  const stream = Buffer.concat([frame, frame, frame]);
  const single = native(join(fixtures, 'proto/yunhu_push_message.bin'));
  await page.goto('/inspect');
  await paste(page, stream.toString('hex'));
  await expect(page.getByTestId('chain')).toHaveText('hex → varint-delimited frames');
  await expect(page.getByTestId('schema')).toContainText('yunhu.WsWrapper');
  const frames = page.locator('.tree-row[aria-level="2"]');
  await expect(frames).toHaveCount(3);
  await expect(frames.locator('.label')).toHaveText(['#1', '#2', '#3']);
  await expect(page.locator('.event-list > li')).toHaveCount(3 * single.events.length);
  // The third frame's bytes: from its length prefix to the end of the stream.
  await expect(frames.nth(2)).toContainText(`@${2 * frame.length}..${stream.length}`);
});

test('a share link reopens the same payload and view', async ({ page, context }) => {
  await page.goto('/inspect');
  await paste(page, readFileSync(join(fixtures, 'wecom/event_room_topic.json'), 'utf8'));
  await expect(page.getByTestId('schema')).toContainText('wecom.callback.event.ROOM_TOPIC');
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByLabel('Share link').inputValue();
  expect(link).toMatch(/\/inspect#p=[A-Za-z0-9_-]+$/);
  const second = await context.newPage();
  await second.goto(link);
  await expect(second.getByTestId('schema')).toContainText('wecom.callback.event.ROOM_TOPIC');
  await expect(second.locator('.event-list > li').first()).toHaveAttribute('data-type', 'topic');
});

test('a field decoded as another reading stays so through a share link', async ({ page, context }) => {
  await page.goto('/inspect');
  // Field 1 = "Hi": a string, and also the message {9: 105}.
  await paste(page, '0a024869');
  const field = page.locator('.tree-row[aria-level="2"]').first();
  await expect(field.locator('.value')).toHaveText('Hi');
  // The switch shows on the selected row.
  await field.click();
  await page.getByLabel('Read 1 as').selectOption({ label: 'as message' });
  await expect(page.locator('.tree-row[aria-level="3"] .value')).toHaveText('105');
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByLabel('Share link').inputValue();
  expect(link).toMatch(/\/inspect#p=[A-Za-z0-9_-]+&v=[A-Za-z0-9_-]+$/);
  const second = await context.newPage();
  await second.goto(link);
  await expect(second.locator('.tree-row[aria-level="3"] .value')).toHaveText('105');
  await expect(second.getByLabel('Read 1 as')).toHaveValue(await page.getByLabel('Read 1 as').inputValue());
});

test('comparing two payloads lists the one changed field and marks its row', async ({ page }) => {
  const first = readFileSync(join(fixtures, 'wecom/message_text.json'), 'utf8');
  const edited = JSON.parse(first);
  edited.message.text = '改过的内容';
  await page.goto('/inspect');
  await paste(page, first);
  await page.getByText('Compare with another payload').click();
  await page.getByLabel('Second payload').fill(JSON.stringify(edited));
  await expect(page.getByTestId('changes-count')).toHaveText('1 change');
  const change = page.locator('.changes .change');
  await expect(change).toHaveCount(1);
  await expect(change).toHaveAttribute('data-kind', 'changed');
  await expect(change.locator('.change-at')).toHaveText('message/text');
  await expect(change.locator('.change-after')).toHaveText('"改过的内容"');
  // Its bytes side by side: the value as each payload has it.
  const hex = (text) => [...Buffer.from(text)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  await expect(change.locator('.change-bytes-before')).toHaveText(hex(JSON.stringify(JSON.parse(first).message.text)));
  await expect(change.locator('.change-bytes-after')).toHaveText(hex('"改过的内容"'));
  await expect(page.locator('.tree-row.changed .label')).toHaveText('text');
  // The same payload twice: nothing to report.
  await page.getByLabel('Second payload').fill(first);
  await expect(page.getByTestId('changes-count')).toHaveText('No differences');
  await expect(page.locator('.tree-row.changed')).toHaveCount(0);
});

test('overriding the schema changes the field names', async ({ page }) => {
  await page.goto('/inspect');
  await paste(page, readFileSync(join(fixtures, 'proto/yunhu_send_message_request.hex'), 'utf8'));
  const firstField = page.locator('.tree-row[aria-level="2"] .label').first();
  await expect(firstField).toHaveText('msg_id');
  await page.getByLabel('Schema').selectOption('douyin_im.RecallMessageRequestBody');
  await expect(page.getByTestId('schema')).toContainText('douyin_im.RecallMessageRequestBody');
  await expect(firstField).toHaveText('conversation_short_id');
});

test('the tree works from the keyboard alone', async ({ page }) => {
  await page.goto('/inspect');
  await paste(page, readFileSync(join(fixtures, 'wecom/message_text.json'), 'utf8'));
  const tree = page.getByRole('tree');
  await tree.focus();
  await page.keyboard.press('Home');
  await expect(page.locator('.tree-row.selected')).toHaveAttribute('data-key', 'r');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.tree-row.selected .label')).toHaveText('seq');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.tree-row.selected .label')).toHaveText('message');
  await expect(page.locator('.tree-row.selected')).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('.tree-row.selected')).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Enter');
  await expect(page.locator('.tree-row.selected')).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.tree-row.selected .label')).toHaveText('id');
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('.tree-row.selected .label')).toHaveText('message');
});

test('selecting a byte selects the field that holds it, and the reverse', async ({ page }) => {
  await page.goto('/inspect');
  await paste(page, readFileSync(join(fixtures, 'proto/yunhu_send_message_request.hex'), 'utf8'));
  await page.locator('.tree-row', { has: page.locator('.label', { hasText: 'chat_id' }) }).first().click();
  // chat_id's value is "7356666", 7 bytes.
  await expect(page.locator('.byte.value')).toHaveCount(7);
  await expect(page.locator('.byte.tag')).toHaveCount(1);
  await page.locator('.byte[data-offset="2"]').click();
  await expect(page.locator('.tree-row.selected .label')).toHaveText('msg_id');
});

/** A protobuf of about `size` bytes: repeated { 1: id string, 2: varint, 3: { 1: text } }. */
function protobufOfSize(size) {
  const varint = (n) => { const out = []; while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); } out.push(n); return out; };
  const field = (number, bytes) => [...varint((number << 3) | 2), ...varint(bytes.length), ...bytes];
  const text = (s) => [...Buffer.from(s)];
  const out = [];
  for (let i = 0; out.length < size; i++) {
    const inner = [...field(1, text(`id-${i}`)), 0x10, ...varint(i), ...field(3, field(1, text('消息内容 message body')))];
    out.push(...field(2, inner));
  }
  return Buffer.from(out);
}

test('a 4 MB input is decoded off the page: the page keeps answering, and a new input cancels it', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/inspect');
  await expect(page.getByLabel('Open a payload file')).toBeAttached();
  // Every task that kept the page from answering input for 50 ms or more, from here on.
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
  const payload = protobufOfSize(4 * 1024 * 1024);
  // From a file on disk: a buffer handed to setInputFiles is turned into a File by script on
  // the page, which would block it for a third of a second itself.
  const file = join(mkdtempSync(join(tmpdir(), 'inspector-')), 'big.bin');
  writeFileSync(file, payload);
  const open = () => page.getByLabel('Open a payload file').setInputFiles(file);

  // A new input while it decodes cancels it: the small one is shown, and stays.
  await open();
  await expect(page.getByTestId('decoding')).toBeVisible();
  await page.getByLabel('Payload', { exact: true }).fill(readFileSync(join(fixtures, 'proto/yunhu_send_message_request.hex'), 'utf8'));
  await expect(page.getByTestId('decoding')).toHaveCount(0);
  await expect(page.getByTestId('schema')).toContainText('yunhu.SendMessageRequest');
  await page.waitForTimeout(3000);
  await expect(page.getByTestId('schema')).toContainText('yunhu.SendMessageRequest');

  await open();
  await expect(page.getByTestId('decoding')).toBeVisible();
  // While it decodes, a click is answered: the compare section opens.
  await page.getByText('Compare with another payload').click();
  await expect(page.getByLabel('Second payload')).toBeVisible();
  await expect(page.getByTestId('decoding')).toBeVisible();
  const started = Date.now();
  await expect(page.locator('.tree-row').nth(1)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('decoding')).toHaveCount(0);
  const rendered = await page.locator('.tree-row').count();
  const longTasks = await page.evaluate(() => window.longTasks);
  const longest = Math.max(0, ...longTasks);
  console.log(`INSPECTOR PERF 4 MB (${payload.length} bytes) in the worker: tree ${Date.now() - started} ms after the click; ${rendered} rows in the DOM; longest task on the page ${longest} ms (${longTasks.length} over 50 ms)`);
  expect(longest, `tasks over 50 ms: ${longTasks}`).toBeLessThan(100);
  await expect(page.getByTestId('schema')).toContainText('yunhu.ListMessageResponse');
  await expect(page.locator('.tree-row .label', { hasText: /^msg$/ }).first()).toBeVisible();

  // Replacing it frees its tree of 375 000 nodes without a freeze either.
  await page.getByLabel('Payload', { exact: true }).fill('0a0161');
  await expect(page.locator('.tree-row')).toHaveCount(2);
  await page.waitForTimeout(1000);
  const after = await page.evaluate(() => window.longTasks);
  expect(Math.max(0, ...after), `tasks over 50 ms: ${after}`).toBeLessThan(100);
});

test('when the worker does not load, a large payload is decoded on the page and the page says why', async ({ page }) => {
  await page.route('**/inspector-worker_loader.js', (route) => route.fulfill({ status: 404, body: '' }));
  await page.goto('/inspect');
  await page.getByLabel('Open a payload file').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: protobufOfSize(100 * 1024) });
  await expect(page.getByRole('alert')).toContainText('The background decoder failed, so this page decoded the payload itself: its script did not load');
  await expect(page.getByTestId('schema')).toContainText('yunhu.ListMessageResponse');
  await expect(page.getByTestId('decoding')).toHaveCount(0);
  // And schemas say they could not be compiled, instead of compiling for ever.
  await page.getByTestId('schema-panel').locator('summary').click();
  await page.getByLabel('Paste a .proto file').fill('syntax = "proto3"; message A { string a = 1; }');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('schema-error')).toContainText('The schema compiler stopped: its script did not load');
  await expect(page.getByRole('status').filter({ hasText: 'Compiling' })).toHaveCount(0);
});

test('paste-to-tree time for 1 KB, 100 KB and 1 MB (printed, not asserted)', async ({ page }) => {
  test.setTimeout(120_000);
  for (const [name, size] of [['1 KB', 1024], ['100 KB', 100 * 1024], ['1 MB', 1024 * 1024]]) {
    await page.goto('/inspect');
    const payload = protobufOfSize(size);
    const started = Date.now();
    await page.getByLabel('Open a payload file').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: payload });
    await expect(page.locator('.tree-row').nth(1)).toBeVisible({ timeout: 60_000 });
    const elapsed = Date.now() - started;
    const rendered = await page.locator('.tree-row').count();
    console.log(`INSPECTOR PERF ${name} (${payload.length} bytes): ${elapsed} ms from file to tree; ${rendered} rows in the DOM`);
  }
});
