#!/usr/bin/env bash
# Receiving over Mixin's Blaze WebSocket, loopback only: the release `switchboard` against the
# sandbox's Blaze emulator (in the example's process). Prints frames stored (durably) and
# acknowledged per second, and how soon after a cut line is accepted again the first frame is in.
# Usage: bench/receive.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo build --release -q -p switchboard-server --bin switchboard --example blaze_load
"$CARGO_TARGET_DIR/release/examples/blaze_load" "$CARGO_TARGET_DIR/release/switchboard"
