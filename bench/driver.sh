#!/usr/bin/env bash
# Driver benchmark: headroom's quick form against wrk and oha, same target, same
# connection count, on loopback, several alternating rounds. Appends a table to
# BENCHMARKS.md. Not a test; run by hand:
#
#   bash bench/driver.sh      # needs wrk (apt-get install -y wrk); oha (cargo install oha) if present
#   TLS=1 bash bench/driver.sh   # https: target --tls-self-signed, headroom --ca, wrk (no verification)
#
# Environment: CONNS (default 64), SECS (default 10), ROUNDS (default 3),
# PATH_UNDER_TEST (default /health), TLS (default 0).
#
# Two figures per tool, medians over the rounds: req/s, and the load generator's
# own CPU time per request (user + sys, from bash's `time`). On a small shared
# machine req/s swings with whatever else runs; CPU per request is the figure that
# says how much of the machine a tool takes from the target.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS="${CONNS:-64}"
SECS="${SECS:-10}"
ROUNDS="${ROUNDS:-3}"
PATH_UNDER_TEST="${PATH_UNDER_TEST:-/health}"
TLS="${TLS:-0}"

command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
TOOLS=(headroom wrk)
if command -v oha >/dev/null; then TOOLS+=(oha); else echo "oha missing (cargo install oha): skipped" >&2; fi

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
LIMIT=$(( (SECS * 3 + 10) * ROUNDS + 60 ))
TARGET_TLS=() DRIVE_TLS=() OHA_TLS=() SCHEME=http
if [ "$TLS" = 1 ]; then
  TARGET_TLS=(--tls-self-signed --cert-out "$WORK/cert.pem")
  DRIVE_TLS=(--ca "$WORK/cert.pem")
  OHA_TLS=(--insecure)
  SCHEME=https
fi
"$BIN" target --profile fast --listen 127.0.0.1:0 --max-duration "${LIMIT}s" "${TARGET_TLS[@]}" >"$WORK/target.out" 2>&1 &
TARGET_PID=$!
for _ in $(seq 50); do
  grep -q "^listening on" "$WORK/target.out" 2>/dev/null && break
  sleep 0.1
done
URL="$(sed -n 's/^listening on //p' "$WORK/target.out" | head -1)$PATH_UNDER_TEST"
echo "target: $URL" >&2

TIMEFORMAT='%U %S'
# run NAME: one measurement; appends "rps cpu_us_per_request" to $WORK/NAME.
run() {
  local name="$1" rps n cpu
  case "$name" in
    headroom)
      { time "$BIN" drive --url "$URL" --users "$CONNS" --duration "${SECS}s" --out "$WORK/run" --force --quiet --format json "${DRIVE_TLS[@]}" >"$WORK/out" 2>/dev/null ; } 2>"$WORK/time"
      rps="$(grep -m1 '"throughput_rps"' "$WORK/out" | sed 's/[^0-9.]//g')"
      n="$(grep -m1 '"requests"' "$WORK/out" | sed 's/[^0-9]//g')" ;;
    wrk)
      { time wrk -t2 -c"$CONNS" -d"${SECS}s" "$URL" >"$WORK/out" ; } 2>"$WORK/time"
      rps="$(sed -n 's/^Requests\/sec:[[:space:]]*//p' "$WORK/out")"
      n="$(sed -n 's/^[[:space:]]*\([0-9]*\) requests in.*/\1/p' "$WORK/out")" ;;
    oha)
      { time oha -z "${SECS}s" -c "$CONNS" --no-tui --output-format json "${OHA_TLS[@]}" "$URL" >"$WORK/out" ; } 2>"$WORK/time"
      rps="$(grep -o '"requestsPerSec": *[0-9.e+-]*' "$WORK/out" | head -1 | cut -d: -f2 | tr -d ' ')"
      n="$(awk -v r="$rps" -v s="$SECS" 'BEGIN { printf "%d", r * s }')" ;;
  esac
  cpu="$(awk -v n="$n" '{ printf "%.2f", ($1 + $2) / n * 1e6 }' "$WORK/time")"
  echo "$name round: $rps req/s, $cpu µs CPU/request" >&2
  echo "$rps $cpu" >>"$WORK/$name"
}

# Warm-up, so the first tool does not pay for cold caches.
wrk -t2 -c"$CONNS" -d2s "$URL" >/dev/null

N="${#TOOLS[@]}"
for r in $(seq "$ROUNDS"); do
  # Rotate the order so no tool always runs first or last.
  for i in $(seq 0 $(( N - 1 ))); do run "${TOOLS[$(( (i + r) % N ))]}"; done
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for t in "${TOOLS[@]}"; do
  eval "${t}_RPS=$(cut -d' ' -f1 "$WORK/$t" | median)"
  eval "${t}_CPU=$(cut -d' ' -f2 "$WORK/$t" | median)"
done
ratio() { awk -v a="$1" -v b="$wrk_RPS" 'BEGIN { printf "%.2f", a / b }'; }
MODEL="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo
  echo "## Driver throughput$([ "$TLS" = 1 ] && echo ' over https'), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, ${MODEL:-unknown CPU}; load average at the end $LOAD."
  echo "Target \`headroom target --profile fast${TARGET_TLS:+ --tls-self-signed}\` on the same machine; GET $PATH_UNDER_TEST ($SCHEME) over loopback,"
  echo "$CONNS keep-alive connections, ${SECS} s per measurement, $ROUNDS rounds in rotating order, medians."
  echo
  echo "| command | req/s | ratio to wrk | CPU µs / request |"
  echo "|---|---:|---:|---:|"
  echo "| \`headroom drive --url URL --users $CONNS --duration ${SECS}s${DRIVE_TLS:+ --ca cert.pem}\` | $(printf '%.0f' "$headroom_RPS") | $(ratio "$headroom_RPS") | $headroom_CPU |"
  echo "| \`wrk -t2 -c$CONNS -d${SECS}s URL\` | $(printf '%.0f' "$wrk_RPS") | 1.00 | $wrk_CPU |"
  if [ "$N" = 3 ]; then
    echo "| \`oha -z ${SECS}s -c $CONNS${OHA_TLS:+ --insecure} URL\` | $(printf '%.0f' "$oha_RPS") | $(ratio "$oha_RPS") | $oha_CPU |"
  fi
} | tee -a BENCHMARKS.md
