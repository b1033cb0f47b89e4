#!/usr/bin/env bash
# One-off check for the issue-13 refactor (not a CI gate): the working tree must
# produce byte-identical analyses to REV. Builds REV (a detached `git worktree`)
# and the working tree, then for every dir under ../shared/samples and for one
# saved run dir made by `headroom drive` against `headroom target` on loopback,
# runs `analyze --format json` (with and without data/sla/demo.toml) with both
# binaries and diffs stdout, report.json, report.md, stderr and the exit code.
# Also diffs the error text of a misspelt SLA rule ("did you mean").
#
#   bash bench/same-output.sh main        # or any commit
#
# Environment: CARGO_TARGET_DIR (the working tree's build dir); BASE_TARGET
# (REV's build dir, default "$CARGO_TARGET_DIR-base", seeded from a copy of
# CARGO_TARGET_DIR/debug on first use so only headroom itself recompiles);
# RUN_DIR (a saved run dir to reuse instead of driving a fresh one).
# Debug builds: the output does not depend on the profile, and they are warm.
set -euo pipefail
REV="${1:?usage: bench/same-output.sh REV}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SAMPLES="$ROOT/../shared/samples"
[ -d "$SAMPLES" ] || SAMPLES="/work/shared/samples"
NEW_TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BASE_TARGET="${BASE_TARGET:-$NEW_TARGET-base}"

WORK="$(mktemp -d)"
TARGET_PID=""
cleanup() {
  [ -n "$TARGET_PID" ] && kill "$TARGET_PID" 2>/dev/null || true
  git -C "$ROOT" worktree remove --force "$WORK/base" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building $REV and the working tree"
git -C "$ROOT" worktree add --quiet --detach "$WORK/base" "$REV"
if [ ! -d "$BASE_TARGET" ] && [ -d "$NEW_TARGET/debug" ]; then
  mkdir -p "$BASE_TARGET" && cp -a "$NEW_TARGET/debug" "$BASE_TARGET/debug"
fi
(cd "$WORK/base" && CARGO_TARGET_DIR="$BASE_TARGET" cargo build --quiet)
CARGO_TARGET_DIR="$NEW_TARGET" cargo build --quiet
BASE_BIN="$BASE_TARGET/debug/headroom"
NEW_BIN="$NEW_TARGET/debug/headroom"

# A saved demo-like run dir: `drive` (quick form) against `target` on loopback.
if [ -z "${RUN_DIR:-}" ]; then
  PORT=$((20000 + RANDOM % 20000))
  "$NEW_BIN" target --listen "127.0.0.1:$PORT" >"$WORK/target.log" 2>&1 &
  TARGET_PID=$!
  sleep 1
  "$NEW_BIN" drive --url "http://127.0.0.1:$PORT/api/v1/agents" --users 8 --duration 3s \
    --out "$WORK/drive-run" >"$WORK/drive.log" 2>&1 || true
  kill "$TARGET_PID" 2>/dev/null || true
  wait "$TARGET_PID" 2>/dev/null || true
  TARGET_PID=""
  RUN_DIR="$WORK/drive-run"
fi

# A misspelt rule, for the "did you mean" text.
printf '[global]\nrules = ["thruput >= 10/s", "p95 < 1s"]\n' >"$WORK/bad-sla.toml"

# Report generation time aside (none is written today; kept for safety).
strip() { jq -S 'del(.. | objects | .generated_at?, .generated?)' "$1" 2>/dev/null || cat "$1"; }

compare() { # name, args...
  local name="$1" side out status; shift
  for side in base new; do
    local bin="$BASE_BIN"; [ "$side" = new ] && bin="$NEW_BIN"
    out="$WORK/$side/$name"; mkdir -p "$out"
    status=0
    "$bin" analyze "$@" --format json --charts none --out "$out/report" --force \
      >"$out/stdout.json" 2>"$out/stderr" || status=$?
    echo "$status" >"$out/exit"
    strip "$out/stdout.json" >"$out/stdout.norm"
    if [ -f "$out/report/report.json" ]; then strip "$out/report/report.json" >"$out/report.norm"; fi
    sed "s#$out#OUT#g" "$out/stderr" >"$out/stderr.norm"
  done
  local a="$WORK/base/$name" b="$WORK/new/$name" diffs=""
  for f in exit stdout.norm report.norm stderr.norm report/report.md; do
    if [ -f "$a/$f" ] || [ -f "$b/$f" ]; then
      if ! cmp -s "$a/$f" "$b/$f"; then diffs="$diffs $f"; fi
    fi
  done
  if [ -z "$diffs" ]; then
    local json="no report.json"; [ -f "$a/report.norm" ] && json="report.json $(wc -c <"$a/report.norm") bytes"
    printf 'same   %-60s exit %s, %s\n' "$name" "$(cat "$a/exit")" "$json"
  else
    printf 'DIFFER %-60s:%s\n' "$name" "$diffs"
    FAILED=$((FAILED + 1))
    diff <(cat "$a/report.norm" 2>/dev/null) <(cat "$b/report.norm" 2>/dev/null) | head -20 || true
  fi
  COUNT=$((COUNT + 1))
}

FAILED=0
COUNT=0
echo "== comparing (base = $REV, new = working tree)"
while IFS= read -r dir; do
  rel="${dir#"$SAMPLES"/}"
  name="$(echo "$rel" | tr '/' '_')"
  compare "samples_$name" "$dir"
  compare "samples_${name}+sla" "$dir" --sla "$ROOT/data/sla/demo.toml"
done < <(find "$SAMPLES" -mindepth 1 -type d | sort)
compare "drive-run" "$RUN_DIR"
compare "drive-run+sla" "$RUN_DIR" --sla "$ROOT/data/sla/demo.toml"
compare "drive-run+bad-sla" "$RUN_DIR" --sla "$WORK/bad-sla.toml"

echo "== $COUNT comparisons, $FAILED differ"
[ "$FAILED" -eq 0 ]
