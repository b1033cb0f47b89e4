#!/usr/bin/env bash
# Peak memory of headroom on large JMeter JTLs: generates a 100 MB and a 1 GB CSV JTL
# (JMeter 5.x default columns, 20 labels, 1% failures, sub-results, rows out of time
# order) with awk — headroom is not used to generate — then records the peak RSS and
# wall time of `headroom inspect` and `headroom analyze` on each into BENCHMARKS.md,
# and of `analyze --sla` with a per-endpoint window rule, the one case that keeps
# per-endpoint interval histograms. Streaming ingest means the two files' peaks should
# be the same within 10 % for inspect and analyze.
#
#   bench/big_jtl.sh            # builds the release binary if needed
#   SIZES="100" bench/big_jtl.sh  # only the 100 MB file
#
# The generated files go to a temp dir (BENCH_DIR to choose) and are deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100 1000"}
BIN=${HEADROOM:-${CARGO_TARGET_DIR:-target}/release/headroom}
[ -x "$BIN" ] || cargo build --release
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 2; }
WORK=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$WORK"/big_*' EXIT

# Writes about $1 MB of JTL rows to $2.
generate() {
  awk -v target_mb="$1" 'BEGIN {
    srand(42);
    target = target_mb * 1000 * 1000;
    print "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect";
    t = 1717200000000; bytes = 0; i = 0;
    while (bytes < target) {
      i++;
      label = "/api/v1/endpoint" (i % 20);
      u = rand(); elapsed = int(5 + 800 * u * u * u);
      thread = "Thread Group 1-" (i % 200 + 1);
      # Rows are written when samples end: start times jitter backwards.
      # %.0f: awk would print a 13-digit number as 1.7172e+12.
      ts = sprintf("%.0f", t + int(rand() * 300));
      if (rand() < 0.01) { rc = "503"; rm = "Service Unavailable"; ok = "false" }
      else { rc = "200"; rm = "OK"; ok = "true" }
      line = ts "," elapsed "," label "," rc "," rm "," thread ",text," ok ",,1523,143,200,200,http://sut.example" label "," int(elapsed / 2) ",0,0";
      print line; bytes += length(line) + 1;
      if (i % 50 == 0) {
        sub_line = ts "," int(elapsed / 3) "," label "-0,302,Found," thread ",," "true,,312,143,200,200,http://sut.example" label "," int(elapsed / 3) ",0,0";
        print sub_line; bytes += length(sub_line) + 1;
      }
      t += 2;
    }
  }' > "$2"
}

# "peak_kb seconds" of a command.
measure() {
  if ! /usr/bin/time -v "$@" >/dev/null 2>"$WORK/time.txt"; then
    echo "failed: $*" >&2
    cat "$WORK/time.txt" >&2
    exit 1
  fi
  local kb secs
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
  echo "$kb $secs"
}

# The SLA that makes analyze keep every endpoint's interval histograms.
cat > "$WORK/big_endpoint_windows.toml" <<'TOML'
[each_endpoint]
rules = ["p(95) < 500ms in every 60s"]
TOML

rows=()
for mb in $SIZES; do
  f="$WORK/big_${mb}MB/results.jtl"
  mkdir -p "$(dirname "$f")"
  echo "generating ${mb} MB JTL…" >&2
  generate "$mb" "$f"
  size=$(du -m "$f" | cut -f1)
  lines=$(wc -l < "$f")
  read -r ikb isecs < <(measure "$BIN" inspect "$f")
  read -r akb asecs < <(measure "$BIN" analyze "$(dirname "$f")" --out "$WORK/big_report_$mb")
  read -r skb ssecs < <(measure "$BIN" analyze "$(dirname "$f")" --out "$WORK/big_report_$mb" \
    --sla "$WORK/big_endpoint_windows.toml")
  echo "${mb} MB: inspect ${ikb} kB ${isecs}, analyze ${akb} kB ${asecs}, with SLA ${skb} kB ${ssecs}" >&2
  rows+=("| ${size} MB | $((lines - 1)) | $((ikb / 1024)) MB | ${isecs} | $((akb / 1024)) MB | ${asecs} | $((skb / 1024)) MB | ${ssecs} |")
  rm -rf "$WORK/big_${mb}MB" "$WORK/big_report_$mb"
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
mem=$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1024 / 1024}' /proc/meminfo)
{
  echo
  echo "## Large JMeter JTL: peak memory ($(date -u +%Y-%m-%d))"
  echo
  echo "\`bench/big_jtl.sh\` on $(nproc) cores of ${cpu}, ${mem} RAM; headroom $("$BIN" --version | cut -d' ' -f2)."
  echo "Commands: \`headroom inspect results.jtl\`, \`headroom analyze DIR --out REPORT\`, and the"
  echo "same with \`--sla\` holding \`[each_endpoint] rules = [\"p(95) < 500ms in every 60s\"]\`;"
  echo "peak RSS from \`/usr/bin/time -v\` (\"Maximum resident set size\")."
  echo
  echo "| file | rows | inspect peak RSS | inspect time | analyze peak RSS | analyze time | analyze --sla peak RSS | analyze --sla time |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >> BENCHMARKS.md
echo "results appended to BENCHMARKS.md" >&2
