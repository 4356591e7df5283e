// The page of bench/decode-browser.sh: our payload core (wasm, built as the app ships it)
// beside what a web team would otherwise write (protobuf.js + JSON.parse + picking the same
// fields, baseline.mjs), on the same payloads, in one Chromium tab. Prints its lines to the
// console; run.mjs collects them.
import init, { events_of, events_json, schemaless } from './pkg/switchboard_decode_bench.js';
import { makeBaseline } from './baseline.mjs';
import { payloadHints } from './payloads.mjs';

const say = (line) => console.log(line);

/** Runs `work` until it took at least `ms`, after a warm-up; nanoseconds a call. */
function time(work, ms = 1500) {
  for (let i = 0; i < 20; i++) work();
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    work();
    calls += 1;
    elapsed = performance.now() - started;
  }
  return (elapsed * 1e6) / calls;
}

/** A Yunhu list response of about `size` bytes, as decode.rs's criterion bench builds it. */
function listResponse(root, size) {
  const List = root.lookupType('yunhu.ListMessageResponse');
  const msg = [];
  let length = 0;
  for (let index = 0; length < size; index++) {
    const one = {
      msgId: index.toString(16).padStart(32, '0'),
      sender: { chatId: String(7356666 + index), chatType: 1, name: '客户', avatarUrl: 'https://chat-img.jwznb.com/a.jpg' },
      direction: 'left',
      contentType: 1,
      content: { text: '你好，请问这个商品还有货吗？' },
      sendTime: 1700000000000 + index,
      msgSeq: index,
    };
    msg.push(one);
    length += List.lookupType('yunhu.Msg').encode(one).finish().length + 4;
  }
  return List.encode({ status: { requestId: 1, code: 1, msg: 'success' }, msg }).finish();
}

export async function run() {
  await init();
  const files = await (await fetch('./payloads.json')).json();
  const protoSources = {};
  for (const name of ['yunhu.proto', 'douyin_im.proto']) protoSources[name] = await (await fetch(`./proto/${name}`)).text();
  const baseline = makeBaseline(window.protobuf, protoSources);
  const root = baseline.root ?? window.protobuf.parse(protoSources['yunhu.proto'], { keepCase: false }).root;

  const payloads = [];
  for (const name of files) {
    const hint = payloadHints(name);
    if (!hint) continue;
    const bytes = new Uint8Array(await (await fetch(`./fixtures/${name}`)).arrayBuffer());
    payloads.push({ name, hint, bytes });
  }
  const big = listResponse(root, 1024 * 1024);
  const bigHint = { kind: 'protobuf', message: 'yunhu.ListMessageResponse' };

  // The core is told what the desk knows of a logged row, as the JS side is: the platform, and
  // for protobuf the message.
  for (const payload of payloads) {
    const { hint } = payload;
    payload.platform = hint.platform ?? hint.message?.split('.')[0].replace('douyin_im', 'douyin') ?? '';
    payload.schema = hint.kind === 'protobuf' ? hint.message : '';
  }
  // Both sides decode the same: as many events from each payload.
  for (const { name, hint, bytes, platform, schema } of payloads) {
    const ours = events_of(bytes, platform, schema);
    const theirs = baseline.eventsOf(bytes, hint).length;
    if (ours !== theirs) say(`MISMATCH ${name}: core ${ours} events, baseline ${theirs} (${events_json(bytes, platform, schema).slice(0, 200)})`);
  }
  const bigEvents = events_of(big, 'yunhu', bigHint.message);
  say(`DECODE BROWSER 1 MB Yunhu list: ${big.length} bytes, ${bigEvents} events (core), ${baseline.eventsOf(big, bigHint).length} (baseline)`);

  // (a) bytes → events.
  const mixCore = time(() => { for (const p of payloads) events_of(p.bytes, p.platform, p.schema); });
  const mixJs = time(() => { for (const p of payloads) baseline.eventsOf(p.bytes, p.hint); });
  const bigCore = time(() => events_of(big, 'yunhu', bigHint.message), 3000);
  const bigJs = time(() => baseline.eventsOf(big, bigHint), 3000);
  const json = payloads.filter((p) => p.hint.kind === 'json').length;
  say(`DECODE BROWSER events, ${payloads.length} payloads (${json} JSON, ${payloads.length - json} protobuf): core ${(mixCore / 1e3).toFixed(1)} µs a pass, baseline ${(mixJs / 1e3).toFixed(1)} µs (${(mixJs / mixCore).toFixed(2)}×)`);
  say(`DECODE BROWSER events, 1 MB Yunhu list: core ${(bigCore / 1e6).toFixed(2)} ms, baseline ${(bigJs / 1e6).toFixed(2)} ms (${(bigJs / bigCore).toFixed(2)}×)`);
  say(`RATIO events ${((mixJs + bigJs) / (mixCore + bigCore)).toFixed(2)}×`);

  // (b) the schema-less walk, on every protobuf payload and the 1 MB list.
  const protobufs = payloads.filter((p) => p.hint.kind === 'protobuf').map((p) => p.hint.encoding ? null : p.bytes).filter(Boolean);
  const walked = [...protobufs, big];
  for (const bytes of walked) {
    const ours = schemaless(bytes);
    const theirs = baseline.walk(bytes);
    if (ours !== theirs) say(`MISMATCH schema-less walk of ${bytes.length} bytes: core ${ours} fields, baseline ${theirs}`);
  }
  const walkCore = time(() => { for (const bytes of walked) schemaless(bytes); }, 3000);
  const walkJs = time(() => { for (const bytes of walked) baseline.walk(bytes); }, 3000);
  say(`DECODE BROWSER schema-less walk, ${walked.length} protobuf payloads (1 MB list included): core ${(walkCore / 1e6).toFixed(2)} ms a pass, plain JS ${(walkJs / 1e6).toFixed(2)} ms`);
  say(`RATIO schemaless ${(walkJs / walkCore).toFixed(2)}×`);
  say('DONE');
}
