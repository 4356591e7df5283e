#!/usr/bin/env bash
# Server benchmark, loopback only, bounded in time:
#   1. webhook intake: acknowledged webhooks/s and p50/p99 latency, durability on
#      (SQLite WAL, synchronous=FULL: a 2xx means the row is on disk);
#   2. proxy forwarding req/s, beside nginx forwarding the same requests to the same sandbox;
#   3. webhook intake with the log in PostgreSQL (a cluster of its own, durable defaults:
#      fsync and synchronous_commit on), one instance and then two on the same database.
# Needs Debian's wrk, nginx and postgresql (installed if missing).
# Usage: bench/server.sh [seconds per run] [postgres: section 3 only]
#   (PG_ROUNDS=N repeats section 3's one-then-two-instances pair N times and prints the median ratio)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_PER_RUN="${1:-10}"
# 1 000 live streams and wrk's connections need more descriptors than the usual 1 024.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
CONNECTIONS="${CONNECTIONS:-64}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx
fi
cargo build --release -q -p switchboard-server --bin switchboard --example proxy_floor --example log_floor --example sse_clients --example open_loop
# `bench/server.sh SECONDS postgres`: only the PostgreSQL lines (section 3).
ONLY="${2:-}"

WORK="$(mktemp -d)"
SERVER_PID=""; NGINX_PID=""; FLOOR_PID=""; SSE_PID=""; SECOND_PID=""; PG_CTL=(); PG_WORK=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$SECOND_PID" ] && kill "$SECOND_PID" 2>/dev/null || true
  [ "${#PG_CTL[@]}" -gt 0 ] && "${PG_CTL[@]}" -m fast stop >/dev/null 2>&1 || true
  [ -n "$SSE_PID" ] && kill "$SSE_PID" 2>/dev/null || true
  [ -n "$FLOOR_PID" ] && kill "$FLOOR_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
  [ -n "$PG_WORK" ] && rm -rf "$PG_WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/dist" && echo '<!DOCTYPE html><title>Switchboard</title>' > "$WORK/dist/index.html"

# wrk script: POST a fixed body with headers taken from the environment.
cat > "$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
local cookie = os.getenv("COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
LUA

# Starts `switchboard serve` with extra arguments; sets STARTED_PID and STARTED_BASE.
start_server() { # stdout-file args...
  local out="$1"; shift
  SWITCHBOARD_LOG=warn "$CARGO_TARGET_DIR/release/switchboard" serve --listen 127.0.0.1:0 --dist "$WORK/dist" "$@" > "$out" &
  STARTED_PID=$!
  for _ in $(seq 100); do [ "$(wc -l < "$out")" -ge 3 ] && break; sleep 0.1; done
  STARTED_BASE="$(sed -n 's/^Switchboard is running at \(.*\)\/$/\1/p' "$out")"
}

# CPU ticks (user + system) of each switchboard thread: "thread-id name ticks" lines.
thread_ticks() {
  for task in /proc/"$SERVER_PID"/task/*; do
    printf '%s %s %s\n' "${task##*/}" "$(tr ' ' '_' < "$task/comm")" "$(awk '{print $14 + $15}' "$task/stat")"
  done
}

# CPU ticks of every process of the run ("pid name ticks" lines), the two instances told apart.
process_ticks() {
  for proc in /proc/[0-9]*; do
    local pid="${proc#/proc/}"
    local name; name="$(tr -d '\n' 2>/dev/null < "/proc/$pid/comm")" || continue
    case "$name" in
      switchboard) [ "$pid" = "$SECOND_PID" ] && name="switchboard-2" || name="switchboard-1" ;;
      postgres|wrk) ;;
      *) continue ;;
    esac
    awk -v pid="$pid" -v name="$name" '{print pid, name, $14 + $15}' "/proc/$pid/stat" 2>/dev/null || true
  done
}

# The cores each kind of process used between processes.before and processes.after (wrk's
# own is not counted: it has exited by then).
cores_by_process() {
  awk -v seconds="$SECONDS_PER_RUN" -v ticks="$(getconf CLK_TCK)" '
    FNR == NR { before[$1] = $3; next }
    { used[$2] += $3 - (($1 in before) ? before[$1] : 0) }
    END { line = ""; for (name in used) if (used[name] / ticks / seconds >= 0.01)
            line = line sprintf("%s %.2f  ", name, used[name] / ticks / seconds)
          print "    cores by process: " line }' "$WORK/processes.before" "$WORK/processes.after"
}

# One wrk run's summary line from its output file.
summary() { # name file
  local rps p50 p99 errors
  rps="$(awk '/Requests\/sec/ {print $2}' "$2")"
  p50="$(awk '$1=="50%" {print $2}' "$2")"
  p99="$(awk '$1=="99%" {print $2}' "$2")"
  errors="$(awk '/Non-2xx/ {print $5}' "$2")"
  printf '%-34s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "${errors:-0}"
}

run() { # name url body cookie
  thread_ticks > "$WORK/ticks.before"
  BODY="$3" COOKIE="$4" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/post.lua" "$2" > "$WORK/$1.txt"
  thread_ticks > "$WORK/ticks.after"
  # Where switchboard's CPU went during the run, in cores, summed by thread name.
  awk -v seconds="$SECONDS_PER_RUN" -v ticks="$(getconf CLK_TCK)" '
    FNR == NR { before[$1] = $3; next }
    { used[$2] += $3 - before[$1] }
    END { line = ""; for (name in used) if (used[name] > 0)
            line = line sprintf("%s %.2f  ", name, used[name] / ticks / seconds)
          print "    switchboard, cores by thread: " line }' "$WORK/ticks.before" "$WORK/ticks.after" > "$WORK/$1.cpu"
  summary "$1" "$WORK/$1.txt"
  cat "$WORK/$1.cpu"
  awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt" > "$WORK/$1.rps"
}

# A wkteam event has no delivery id, so every request is a new row (nothing de-duplicated away).
WEBHOOK='{"seq":"1","token":"sandbox-wecom-session","event":{"event_type":"ROOM_TOPIC","payload":{"room_id":"r","topic":"bench"}}}'

postgres_lines() {
  local bin port run=() url secret
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  # A directory of its own: as root the cluster is the postgres user's, who cannot enter $WORK.
  PG_WORK="$(mktemp -d)"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_WORK"; run=(runuser -u postgres --); fi
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  cd "$PG_WORK"  # the postgres user may not enter the checkout
  "${run[@]}" "$bin/initdb" -D "$PG_WORK/data" -A trust -U switchboard > /dev/null
  PG_CTL=("${run[@]}" "$bin/pg_ctl" -D "$PG_WORK/data")
  # The defaults a deployment starts from: every commit flushed to disk before it returns.
  "${PG_CTL[@]}" -l "$PG_WORK/log" -w start -o "-p $port -k $PG_WORK -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_preload_libraries=pg_stat_statements" > /dev/null
  url="postgres://switchboard@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), fsync and synchronous_commit on (a webhook is acknowledged once its row is flushed), the same 2 cores"
  start_server "$WORK/pg-a.out" --data-dir "$WORK/pg-a" --database "$url"
  SERVER_PID=$STARTED_PID; local first=$STARTED_BASE
  secret="$("$bin/psql" -Atq "$url" -c "select secret from webhook_secrets where platform = 'wecom'")"
  "$bin/psql" -Atq "$url" -c "create extension pg_stat_statements" > /dev/null
  # Authenticated API calls: each /api request's session is checked against the database
  # (requests that arrive together share one check; crates/server/src/sessions.rs).
  echo "bench password" | "$CARGO_TARGET_DIR/release/switchboard" agent add bench --admin --password-stdin \
    --database "$url" --data-dir "$WORK/pg-a" > /dev/null
  local cookie
  cookie="$(curl -s -D - -o /dev/null -H 'content-type: application/json' -d '{"name":"bench","password":"bench password"}' "$first/api/login" \
    | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')"
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "Cookie: $cookie" "$first/api/config" > "$WORK/pg-api.txt"
  summary "API calls on PostgreSQL (GET)" "$WORK/pg-api.txt"
  # Where the database's time went: appends per transaction, and time spent waiting for the
  # append lock (seq order is commit order; the lock is freed before the commit's flush: see
  # crates/server/src/event_log/postgres.rs).
  appends() {
    "$bin/psql" -Atq "$url" -F ' ' -c "select
        coalesce(sum(calls) filter (where query like 'INSERT INTO events (%'), 0),
        coalesce(sum(rows) filter (where query like 'INSERT INTO events (%'), 0),
        coalesce(round(sum(total_exec_time) filter (where query like 'SELECT pg_advisory_xact_lock%')), 0)
      from pg_stat_statements" | awk '{ printf "    append transactions: %d, %.1f rows each; waiting for the append lock: %d ms in all\n", $1, ($1 ? $2 / $1 : 0), $3 }'
    # The statements that took the database's time: calls, ms in all, rows, the statement.
    "$bin/psql" -Atq "$url" -F ' | ' -c "select calls, round(total_exec_time), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 80)
      from pg_stat_statements order by total_exec_time desc limit 5" | sed 's/^/      /'
    "$bin/psql" -Atq "$url" -c "select pg_stat_statements_reset()" > /dev/null
  }
  "$bin/psql" -Atq "$url" -c "select pg_stat_statements_reset()" > /dev/null
  # One instance, then two, PG_ROUNDS times (runs on this machine vary by ±15 %): the ratio of
  # each round, and their median.
  local ratios=() round
  for round in $(seq "${PG_ROUNDS:-1}"); do
    [ "${PG_ROUNDS:-1}" -gt 1 ] && echo "  round $round"
    process_ticks > "$WORK/processes.before"
    run "intake on PostgreSQL, 1 instance" "$first/hooks/wecom/$secret" "$WEBHOOK" ""
    process_ticks > "$WORK/processes.after"
    cores_by_process
    appends
    # The second instance runs only for the two-instance load: idle, its tail would still read
    # every row the first one stores.
    start_server "$WORK/pg-b.out" --data-dir "$WORK/pg-b" --database "$url"
    SECOND_PID=$STARTED_PID; local second=$STARTED_BASE
    # Two instances, each taking half the connections, at once; where the 2 cores went.
    process_ticks > "$WORK/processes.before"
    local loads=()
    for base in "$first" "$second"; do
      BODY="$WEBHOOK" COOKIE="" wrk -t1 -c"$((CONNECTIONS / 2))" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/post.lua" \
        "$base/hooks/wecom/$secret" > "$WORK/pg-two-${base##*:}.txt" &
      loads+=($!)
    done
    wait "${loads[@]}"
    process_ticks > "$WORK/processes.after"
    local total=0
    for base in "$first" "$second"; do
      summary "  instance :${base##*:} of 2" "$WORK/pg-two-${base##*:}.txt"
      total=$(awk -v sum="$total" '/Requests\/sec/ {print sum + $2}' "$WORK/pg-two-${base##*:}.txt")
    done
    printf '%-34s %10.2f req/s\n' "intake on PostgreSQL, 2 instances" "$total"
    cores_by_process
    appends
    ratios+=("$(awk -v two="$total" '{ printf "%.2f", two / $1 }' "$WORK/intake on PostgreSQL, 1 instance.rps")")
    echo "    2 instances / 1: ${ratios[-1]}×"
    kill "$SECOND_PID" 2>/dev/null || true; wait "$SECOND_PID" 2>/dev/null || true; SECOND_PID=""
  done
  if [ "${#ratios[@]}" -gt 1 ]; then
    echo "2 instances / 1, median of ${#ratios[@]} rounds: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END { print (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2) }')× (rounds: ${ratios[*]})"
  fi
  echo "rows in the PostgreSQL log: $("$bin/psql" -Atq "$url" -c 'select count(*) from events')"
  kill "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

if [ "$ONLY" = "postgres" ]; then
  echo "loopback, ${SECONDS_PER_RUN}s per run, $CONNECTIONS connections, $(nproc) cores"
  postgres_lines
  exit 0
fi

echo "bench password" | "$CARGO_TARGET_DIR/release/switchboard" agent add bench --admin --password-stdin --data-dir "$WORK/data" > /dev/null
SWITCHBOARD_LOG=warn "$CARGO_TARGET_DIR/release/switchboard" serve --listen 127.0.0.1:0 \
  --data-dir "$WORK/data" --dist "$WORK/dist" > "$WORK/stdout" &
SERVER_PID=$!
for _ in $(seq 100); do [ "$(wc -l < "$WORK/stdout")" -ge 3 ] && break; sleep 0.1; done
BASE="$(sed -n 's/^Switchboard is running at \(.*\)\/$/\1/p' "$WORK/stdout")"
SANDBOX="$(sed -n 's/^Sandbox mode: every platform is emulated at //p' "$WORK/stdout")"
SECRET="$(tr -d "\n" < "$WORK/data/webhook-secrets/wecom")"
COOKIE="$(curl -s -D - -o /dev/null -H 'content-type: application/json' -d '{"name":"bench","password":"bench password"}' "$BASE/api/login" \
  | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')"

echo "loopback, ${SECONDS_PER_RUN}s per run, $CONNECTIONS connections, wrk -t2, $(nproc) cores"
# A wkteam event has no delivery id, so every request is a new row (nothing de-duplicated away).
run "webhook intake (durable)" "$BASE/hooks/wecom/$SECRET" \
  '{"seq":"1","token":"sandbox-wecom-session","event":{"event_type":"ROOM_TOPIC","payload":{"room_id":"r","topic":"bench"}}}' ""
STORED="$(sqlite3 "$WORK/data/events.sqlite" 'select count(*) from events' 2>/dev/null || echo '?')"

# The same intake with desks watching: 1 000 live streams, each sent every row. Measured at a
# modest load (8 connections) too, where an acknowledgement's latency is not queueing.
SSE_CLIENTS="${SSE_CLIENTS:-1000}"
OPEN_LOOP_RATES="${OPEN_LOOP_RATES:-250 500 1000}"
# The streams stay open for the two closed-loop runs and every open-loop rate, with room to spare.
STREAM_SECONDS=$(( SECONDS_PER_RUN * ($(echo $OPEN_LOOP_RATES | wc -w) + 3) + 20 ))
CONNECTIONS=8 run "intake, 8 conns, 0 live streams" "$BASE/hooks/wecom/$SECRET" "$WEBHOOK" ""
"$CARGO_TARGET_DIR/release/examples/sse_clients" "$BASE" "$COOKIE" "$SSE_CLIENTS" "$STREAM_SECONDS" > "$WORK/sse.out" &
SSE_PID=$!
for _ in $(seq 100); do grep -q "live streams open" "$WORK/sse.out" 2>/dev/null && break; sleep 0.1; done
sleep 1
CONNECTIONS=8 run "intake, 8 conns, $SSE_CLIENTS live streams" "$BASE/hooks/wecom/$SECRET" "$WEBHOOK" ""
run "intake, $CONNECTIONS conns, $SSE_CLIENTS live streams" "$BASE/hooks/wecom/$SECRET" "$WEBHOOK" ""
# Open loop: webhooks at a fixed rate, each timed from when it was due, beside the same streams.
for RATE in $OPEN_LOOP_RATES; do
  printf '%-34s ' "intake at $RATE/s, $SSE_CLIENTS streams"
  "$CARGO_TARGET_DIR/release/examples/open_loop" "$BASE/hooks/wecom/$SECRET" "$WEBHOOK" "$RATE" "$SECONDS_PER_RUN" 16
done
kill "$SSE_PID" 2>/dev/null || true; SSE_PID=""

run "switchboard proxy (logs both sides)" "$BASE/api/proxy/wechat/syncFinder" '{"keyBuff":""}' "$COOKIE"

NGINX_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
error_log $WORK/nginx/logs/error.log warn;
pid $WORK/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  upstream sandbox { server ${SANDBOX#http://}; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /api/proxy/wechat/ {
      proxy_pass http://sandbox/wechat/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "sandbox-wechat-key-2d8b";
    }
  }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
sleep 0.5
# nginx cannot add wId to the body, so the client sends it.
run "nginx proxy (same upstream)" "http://127.0.0.1:$NGINX_PORT/api/proxy/wechat/syncFinder" \
  '{"keyBuff":"","wId":"sandbox-wid-0001"}' ""
# What the stack allows: the least proxy on axum with each HTTP client (no log, no session, no
# headers; examples/proxy_floor.rs), forwarding the same requests to the same upstream.
for client in reqwest hyper; do
  "$CARGO_TARGET_DIR/release/examples/proxy_floor" "$client" "$SANDBOX" sandbox-wechat-key-2d8b > "$WORK/floor.out" &
  FLOOR_PID=$!
  for _ in $(seq 50); do [ -s "$WORK/floor.out" ] && break; sleep 0.1; done
  run "least axum + $client proxy (no log)" "$(cat "$WORK/floor.out")/api/proxy/wechat/syncFinder" \
    '{"keyBuff":"","wId":"sandbox-wid-0001"}' ""
  kill "$FLOOR_PID"; wait "$FLOOR_PID" 2>/dev/null || true; FLOOR_PID=""; : > "$WORK/floor.out"
done
python3 - "$WORK" <<'PY'
import sys, pathlib
work = pathlib.Path(sys.argv[1])
def rps(name): return float((work / f"{name}.rps").read_text())
nginx = rps("nginx proxy (same upstream)")
for name in ["switchboard proxy (logs both sides)", "least axum + reqwest proxy (no log)",
             "least axum + hyper proxy (no log)"]:
    print(f"forwarding: {name} / nginx = {rps(name) / nginx:.2f}")
PY
echo "rows in the event log after the intake run: $STORED"
# What a logged row costs, durable, by how many rows share a commit (examples/log_floor.rs).
TMPDIR="$WORK" "$CARGO_TARGET_DIR/release/examples/log_floor"
postgres_lines
