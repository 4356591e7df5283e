#!/usr/bin/env bash
# The payload core in the browser beside protobuf.js: one headless Chromium page loads the core
# (wasm, built as the app ships it: wasm-release profile, wasm-opt -Oz) and protobuf.js with our
# .proto files, and times on the same payloads (a) bytes → events — the core's `inspect` without
# the tree against protobuf.js `decode` + `toObject` + the same field picking in JS, and
# `JSON.parse` + picking for the JSON ones — for the seed/fixture payloads JS can read and a 1 MB
# Yunhu list response; (b) the core's schema-less walk against a plain JS walker.
# Prints `RATIO events N.NN×` and `RATIO schemaless N.NN×` (JS time / core time).
# Usage: bench/decode-browser.sh   (needs ./x's setup: wasm-bindgen, tools/node_modules, Playwright)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PKG="$(mktemp -d)"
trap 'rm -rf "$PKG"' EXIT
[ -d tools/node_modules/protobufjs ] && [ -d tools/node_modules/long ] || npm ci --prefix tools --no-audit --no-fund
cargo build -q --profile wasm-release --target wasm32-unknown-unknown -p switchboard-decode-bench
wasm-bindgen --target web --out-dir "$PKG" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/switchboard_decode_bench.wasm"
"$ROOT/tools/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$PKG/switchboard_decode_bench_bg.wasm" -o "$PKG/switchboard_decode_bench_bg.wasm"
node bench/decode-browser/run.mjs "$PKG"
