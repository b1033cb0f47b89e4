#!/usr/bin/env bash
# Driver benchmark: headroom's quick form against wrk and oha, same target, same
# connection count, one after the other, on loopback. Appends a table to
# BENCHMARKS.md. Not a test; run by hand:
#
#   bash bench/driver.sh            # needs wrk (apt-get install -y wrk) and oha (cargo install oha)
#
# Environment: CONNS (default 64), SECS (default 10), PATH_UNDER_TEST (default /health).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS="${CONNS:-64}"
SECS="${SECS:-10}"
PATH_UNDER_TEST="${PATH_UNDER_TEST:-/health}"

command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
command -v oha >/dev/null || { echo "oha missing: cargo install oha" >&2; exit 2; }

cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-target}/release/headroom"

WORK="$(mktemp -d)"
TARGET_PID=""
cleanup() {
  if [ -n "$TARGET_PID" ]; then kill "$TARGET_PID" 2>/dev/null || true; wait "$TARGET_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The fast profile: no service time, no worker limit. Bounded in time as a safety net.
"$BIN" target --profile fast --listen 127.0.0.1:0 --max-duration 300s >"$WORK/target.out" 2>&1 &
TARGET_PID=$!
for _ in $(seq 50); do
  grep -q "^listening on" "$WORK/target.out" 2>/dev/null && break
  sleep 0.1
done
URL="$(sed -n 's/^listening on //p' "$WORK/target.out" | head -1)$PATH_UNDER_TEST"
echo "target: $URL" >&2

# Warm-up, so the first tool does not pay for cold caches.
wrk -t2 -c"$CONNS" -d2s "$URL" >/dev/null

"$BIN" drive --url "$URL" --users "$CONNS" --duration "${SECS}s" --out "$WORK/run" --quiet --format json >"$WORK/headroom.json"
HEADROOM_RPS="$(grep -m1 '"throughput_rps"' "$WORK/headroom.json" | sed 's/[^0-9.]//g')"

wrk -t2 -c"$CONNS" -d"${SECS}s" "$URL" >"$WORK/wrk.out"
WRK_RPS="$(sed -n 's/^Requests\/sec:[[:space:]]*//p' "$WORK/wrk.out")"

oha -z "${SECS}s" -c "$CONNS" --no-tui "$URL" >"$WORK/oha.out"
OHA_RPS="$(sed -n 's/^[[:space:]]*Requests\/sec:[[:space:]]*//p' "$WORK/oha.out" | head -1)"

ratio() { awk -v a="$1" -v b="$WRK_RPS" 'BEGIN { printf "%.2f", a / b }'; }
MODEL="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"

{
  echo
  echo "## Driver throughput, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, ${MODEL:-unknown CPU}; target \`headroom target --profile fast\` on the same machine,"
  echo "GET $PATH_UNDER_TEST over loopback, $CONNS keep-alive connections, ${SECS} s each, one tool at a time."
  echo
  echo "| command | req/s | ratio to wrk |"
  echo "|---|---:|---:|"
  echo "| \`headroom drive --url URL --users $CONNS --duration ${SECS}s\` | $(printf '%.0f' "$HEADROOM_RPS") | $(ratio "$HEADROOM_RPS") |"
  echo "| \`wrk -t2 -c$CONNS -d${SECS}s URL\` | $(printf '%.0f' "$WRK_RPS") | 1.00 |"
  echo "| \`oha -z ${SECS}s -c $CONNS URL\` | $(printf '%.0f' "$OHA_RPS") | $(ratio "$OHA_RPS") |"
} | tee -a BENCHMARKS.md
