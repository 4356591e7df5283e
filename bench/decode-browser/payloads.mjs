// Which fixture payloads the JavaScript baseline (baseline.mjs) can read, and how: the hint a web
// team's code would have from the endpoint it called. Shared by the browser bench (bench.mjs) and
// check-baseline.mjs so both compare the same files.
//
// Skipped (null): `.jsonc`, `.textproto` and `.dump.txt` (Node console dumps) — formats only our
// core reads; a JS team has no parser for them at hand — and anything outside the folders below.

/** The platform folders whose `.json` files are platform payloads. */
const JSON_PLATFORMS = new Set(['douyin', 'wecom', 'mixin', 'wechat', 'yunhu']);

/** `proto/` fixture stem → the message it holds (as `switchboard inspect --json` recognizes it). */
const PROTO_MESSAGES = {
  yunhu_push_message: 'yunhu.WsWrapper',
  yunhu_recall_push: 'yunhu.WsWrapper',
  yunhu_list_message_response: 'yunhu.ListMessageResponse',
  yunhu_send_message_request: 'yunhu.SendMessageRequest',
  douyin_new_message_notify: 'douyin_im.Response',
  douyin_message_body: 'douyin_im.MessageBody',
};

const ENCODINGS = { bin: undefined, hex: 'hex', b64: 'base64' };

/**
 * The hint for a fixture named `folder/file` (as bench.mjs lists them, e.g. `wecom/message_text.json`
 * or `proto/yunhu_push_message.hex`): `{kind: 'json', platform}` or
 * `{kind: 'protobuf', message, encoding?}`; null for a file the baseline does not read.
 */
export function payloadHints(fileName) {
  const parts = fileName.split('/');
  const base = parts[parts.length - 1];
  const folder = parts.length > 1 ? parts[parts.length - 2] : undefined;
  if (base.endsWith('.json')) {
    if (folder !== undefined && !JSON_PLATFORMS.has(folder)) return null;
    // Without a folder the baseline finds the platform by shape, as our core does.
    return { kind: 'json', platform: folder };
  }
  const match = /^(.+)\.(bin|hex|b64)$/.exec(base);
  if (!match || (folder !== undefined && folder !== 'proto')) return null;
  const message = PROTO_MESSAGES[match[1]];
  if (!message) return null;
  const hint = { kind: 'protobuf', message };
  const encoding = ENCODINGS[match[2]];
  if (encoding) hint.encoding = encoding;
  return hint;
}
