#!/usr/bin/env bash
# `headroom export`: binary size with and without the Cargo feature `parquet`, and
# the peak RSS and wall time of `export --tables requests` (Parquet, CSV, NDJSON) on
# a large JMeter JTL, appended to BENCHMARKS.md. The per-request table is streamed
# in batches, so peak RSS should be the analysis' own plus one batch (goal ≤ 256 MB
# on 1 GB).
#
#   bench/export.sh               # a 1 GB JTL
#   MB=100 bench/export.sh        # a smaller one
#   JTL=path/to/results.jtl bench/export.sh   # an existing JTL instead
#
# Builds both release binaries (the feature changes only headroom itself, so the
# second build is a relink of the first's dependencies). Generated files go to a temp
# dir (BENCH_DIR to choose) and are deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${MB:-1000}
TARGET=${CARGO_TARGET_DIR:-target}
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 2; }
WORK=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$WORK"/exp_*' EXIT

cargo build --release
cp "$TARGET/release/headroom" "$WORK/exp_headroom_plain"
cargo build --release --features parquet
cp "$TARGET/release/headroom" "$WORK/exp_headroom_parquet"
BIN="$WORK/exp_headroom_parquet"
size_plain=$(du -m "$WORK/exp_headroom_plain" | cut -f1)
size_parquet=$(du -m "$WORK/exp_headroom_parquet" | cut -f1)

mkdir -p "$WORK/exp_run"
if [ -n "${JTL:-}" ]; then
  ln -sf "$(realpath "$JTL")" "$WORK/exp_run/results.jtl"
else
  echo "generating a ${MB} MB JTL…" >&2
  # JMeter's default columns, 20 labels, 1 % 503s, 200 threads, a sample every 2 ms.
  awk -v target_mb="$MB" 'BEGIN {
    srand(42); target = target_mb * 1000 * 1000; t = 1717200000000; bytes = 0;
    print "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect";
    for (i = 1; bytes < target; i++) {
      label = "/api/v1/endpoint" (i % 20); u = rand(); elapsed = int(5 + 800 * u * u * u);
      ok = rand() < 0.01 ? "false" : "true"; rc = ok == "true" ? "200,OK" : "503,Service Unavailable";
      line = sprintf("%.0f", t + int(rand() * 300)) "," elapsed "," label "," rc ",Thread Group 1-" (i % 200 + 1) ",text," ok ",,1523,143,200,200,http://sut.example" label "," int(elapsed / 2) ",0,0";
      print line; bytes += length(line) + 1; t += 2;
    }
  }' > "$WORK/exp_run/results.jtl"
fi
size=$(du -mL "$WORK/exp_run/results.jtl" | cut -f1)
rows=$(($(wc -l < "$WORK/exp_run/results.jtl") - 1))

# "peak_kb wall" of a command.
measure() {
  /usr/bin/time -v "$@" >/dev/null 2>"$WORK/exp_time.txt" || { cat "$WORK/exp_time.txt" >&2; exit 1; }
  echo "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/exp_time.txt") \
$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/exp_time.txt")"
}

lines=()
read -r kb secs < <(measure "$BIN" analyze "$WORK/exp_run" --charts none --out "$WORK/exp_report")
lines+=("| \`analyze --charts none\` (for comparison) | $((kb / 1024)) MB | ${secs} | |")
for to in parquet csv ndjson; do
  read -r kb secs < <(measure "$BIN" export "$WORK/exp_run" --tables requests --to "$to" \
    --out "$WORK/exp_out_$to")
  out_mb=$(du -m "$WORK/exp_out_$to" | tail -1 | cut -f1)
  echo "$to: ${kb} kB ${secs}, ${out_mb} MB written" >&2
  lines+=("| \`export --tables requests --to $to\` | $((kb / 1024)) MB | ${secs} | ${out_mb} MB |")
  rm -rf "$WORK/exp_out_$to"
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
{
  echo
  echo "## Export: binary size and streaming memory ($(date -u +%Y-%m-%d))"
  echo
  echo "\`bench/export.sh\` on $(nproc) cores of ${cpu}; headroom $("$BIN" --version | cut -d' ' -f2)."
  echo "Release binary: ${size_plain} MB without the feature \`parquet\`, ${size_parquet} MB with it."
  echo "JTL: ${size} MB, ${rows} rows. Peak RSS from \`/usr/bin/time -v\`."
  echo
  echo "| command | peak RSS | wall | written |"
  echo "|---|---|---|---|"
  printf '%s\n' "${lines[@]}"
} >> BENCHMARKS.md
echo "results appended to BENCHMARKS.md" >&2
