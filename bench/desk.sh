#!/usr/bin/env bash
# Desk load benchmark: fills a fresh server's log with ~10k E云 conversations through the real
# webhook intake (wrk, loopback, bounded in time), then measures in headless Chromium how long
# the desk takes to be live, to switch conversation (also to one of ~100 k messages), and its JS heap.
# Usage: bench/desk.sh [seconds of webhook load, default 20: about 200 k rows here]   (needs ./x test's setup: dist/, Playwright)
#   TEAM_AGENTS=10 FACTS_PER_AGENT=1000 (defaults): that many agents' desk facts on top; TEAM_AGENTS=0: none.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOAD_SECONDS="${1:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
command -v wrk >/dev/null || { echo "needs Debian's wrk (apt-get install wrk)" >&2; exit 1; }
[ -f dist/index.html ] || { echo "build the app first (./x run or trunk build --release)" >&2; exit 1; }
cargo build --release -q -p switchboard-server

WORK="$(mktemp -d)"; PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
echo "bench password" | "$CARGO_TARGET_DIR/release/switchboard" agent add bench --admin --password-stdin --data-dir "$WORK/data" > /dev/null
SWITCHBOARD_LOG=warn "$CARGO_TARGET_DIR/release/switchboard" serve --listen 127.0.0.1:0 \
  --data-dir "$WORK/data" --dist dist > "$WORK/stdout" &
PID=$!
for _ in $(seq 100); do [ "$(wc -l < "$WORK/stdout")" -ge 3 ] && break; sleep 0.1; done
BASE="$(sed -n 's/^Switchboard is running at \(.*\)\/$/\1/p' "$WORK/stdout")"
SECRET="$(tr -d "\n" < "$WORK/data/webhook-secrets/wechat")"

# Each request is a new message from one of 10 000 customers (a new newMsgId every time).
cat > "$WORK/load.lua" <<'LUA'
local counter = 0
local thread_number = 0
setup = function(thread) thread_number = thread_number + 1; thread:set("offset", thread_number * 100000000) end
request = function()
  counter = counter + 1
  local id = offset + counter
  local customer = id % 10000
  local body = string.format('{"wcId":"wxid_me","account":"me","messageType":60001,"data":{"fromUser":"wxid_c%d","toUser":"wxid_me","msgId":%d,"newMsgId":%d,"msgType":1,"timestamp":%d,"content":"message %d for customer %d","self":false}}', customer, id, 900000000000 + id, 1795000000 + counter, id, customer)
  return wrk.format("POST", nil, {["Content-Type"]="application/json"}, body)
end
LUA
wrk -t2 -c32 -d"${LOAD_SECONDS}s" -s "$WORK/load.lua" "$BASE/hooks/wechat/$SECRET" | grep -E "requests in"
# Then one customer who writes a very long thread (about 100 k messages), the newest of all.
sed -e 's/local customer = id % 10000/local customer = "big"/' -e 's/wxid_c%d/wxid_%s/' -e 's/for customer %d/for customer %s/' \
  -e 's/1795000000 + counter/1796000000 + counter/' -e 's/thread_number \* 100000000/thread_number * 100000000 + 50000000/' \
  "$WORK/load.lua" > "$WORK/big.lua"
wrk -t2 -c32 -d"${BIG_THREAD_SECONDS:-7}s" -s "$WORK/big.lua" "$BASE/hooks/wechat/$SECRET" | grep -E "requests in"
# A team's worth of desk facts on top (TEAM_AGENTS=0 leaves them out): assignments, read marks,
# notes, statuses, FACTS_PER_AGENT per agent.
TEAM_AGENTS="${TEAM_AGENTS:-10}"
if [ "$TEAM_AGENTS" -gt 0 ]; then
  for n in $(seq 0 $((TEAM_AGENTS - 1))); do
    echo "bench password" | "$CARGO_TARGET_DIR/release/switchboard" agent add "bench-agent-$n" --password-stdin --data-dir "$WORK/data" > /dev/null
  done
  BASE_URL="$BASE" AGENTS="$TEAM_AGENTS" FACTS="${FACTS_PER_AGENT:-1000}" node tests/e2e/bench/team.mjs
fi
BASE_URL="$BASE" DATA_DIR="$WORK/data" node tests/e2e/bench/desk.mjs
