// Proves the JavaScript baseline (baseline.mjs) is a fair stand-in for our core: for every fixture
// payloads.mjs hands it, its events must equal what `switchboard inspect --json` says (every field
// our events carry, ids as exact decimal strings), and its schema-less walk must read the fields
// the core's raw decode reads. Uses the built target/release/switchboard; builds nothing.
// Usage: node bench/decode-browser/check-baseline.mjs   (exits non-zero on any mismatch)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { makeBaseline } from './baseline.mjs';
import { payloadHints } from './payloads.mjs';

// WeChat's 64-bit ids are JSON numbers: exact only with JSON.parse's source text access, which
// Chromium has and Node 20 has behind a flag.
const FLAG = '--harmony-json-parse-with-source';
if (JSON.parse('1', (key, value, context) => context?.source) !== '1' && !process.execArgv.includes(FLAG)) {
  const run = spawnSync(process.execPath, [...process.execArgv, FLAG, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

const root = resolve(import.meta.dirname, '../..');
const switchboard = join(root, 'target/release/switchboard');
const fixtures = join(root, 'crates/payload/tests/fixtures');
const require = createRequire(join(root, 'tools/package.json'));
const protobuf = require('protobufjs');

if (!existsSync(switchboard)) {
  console.log(`FAILED ${switchboard} is not built (cargo build --release -p switchboard)`);
  process.exit(1);
}
const protoSources = {};
for (const name of ['yunhu.proto', 'douyin_im.proto']) protoSources[name] = readFileSync(join(root, 'proto', name), 'utf8');
const baseline = makeBaseline(protobuf, protoSources);
if (!baseline.exactJson || !baseline.exactLongs) {
  console.log(`FAILED 64-bit ids would not be exact (exactJson ${baseline.exactJson}, exactLongs ${baseline.exactLongs})`);
  process.exit(1);
}

const inspect = (file, ...options) => JSON.parse(execFileSync(switchboard, ['inspect', '--json', ...options, file], { maxBuffer: 1 << 28 }).toString());

/** An event without its absent fields: the core leaves some out and writes others as null. */
function normalized(value) {
  if (Array.isArray(value)) return value.map(normalized);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, field] of Object.entries(value)) if (field !== null && field !== undefined) out[key] = normalized(field);
  return out;
}

/** Where two events differ, field by field (`content.url`...). */
function differences(core, ours, path = '') {
  const keys = new Set([...Object.keys(core ?? {}), ...Object.keys(ours ?? {})]);
  const found = [];
  for (const key of keys) {
    const [a, b] = [core?.[key], ours?.[key]];
    const at = path ? `${path}.${key}` : key;
    if (a && b && typeof a === 'object' && typeof b === 'object') found.push(...differences(a, b, at));
    else if (a !== b) found.push(`${at}: core ${JSON.stringify(a)}, baseline ${JSON.stringify(b)}`);
  }
  return found;
}

/**
 * How many fields the core's schema-less decode reads: the field nodes of its raw tree, with no
 * schema chosen (limited to a platform that owns no protobuf schema). Null when that fails.
 */
function coreRawFields(file) {
  const inspection = inspect(file, '--platform', 'mixin');
  if (inspection.schema !== null) return null;
  const count = (node) => (node.field_number !== undefined ? 1 : 0) + (node.children ?? []).reduce((sum, child) => sum + count(child), 0);
  return count(inspection.tree);
}

let failures = 0;
let checked = 0;
for (const folder of ['douyin', 'wecom', 'mixin', 'wechat', 'yunhu', 'proto']) {
  for (const name of readdirSync(join(fixtures, folder)).sort()) {
    const label = `${folder}/${name}`;
    const hint = payloadHints(label);
    if (!hint) {
      console.log(`SKIP     ${label} (no JavaScript counterpart)`);
      continue;
    }
    const file = join(fixtures, folder, name);
    const bytes = new Uint8Array(readFileSync(file));
    const inspection = inspect(file);
    const problems = [];
    if (hint.kind === 'protobuf' && inspection.schema?.name !== hint.message) {
      problems.push(`core recognized ${inspection.schema?.name ?? 'nothing'}, the hint says ${hint.message}`);
    }
    const core = normalized(inspection.events);
    const ours = normalized(baseline.eventsOf(bytes, hint));
    if (core.length !== ours.length) problems.push(`core ${core.length} events, baseline ${ours.length}`);
    for (let index = 0; index < Math.min(core.length, ours.length); index++) {
      for (const difference of differences(core[index], ours[index])) problems.push(`event ${index} ${difference}`);
    }
    let walked = '';
    if (hint.kind === 'protobuf') {
      const fields = baseline.walk(baseline.bytesOf(bytes, hint));
      const expected = coreRawFields(file);
      if (!(fields > 0)) problems.push(`walk read ${fields} fields`);
      if (expected !== null && fields !== expected) problems.push(`walk read ${fields} fields, the core's raw decode ${expected}`);
      walked = `, walk ${fields} fields${expected === null ? '' : ` (core ${expected})`}`;
    }
    checked += 1;
    if (problems.length) {
      failures += 1;
      console.log(`MISMATCH ${label}: ${problems.join('; ')}`);
    } else {
      console.log(`OK       ${label}: ${core.length} events${walked}`);
    }
  }
}
console.log(`${checked - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
