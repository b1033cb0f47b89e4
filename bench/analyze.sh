#!/usr/bin/env bash
# headroom side by side with polars and pandas on large generated JMeter JTLs.
#
# Generates 100 MB, 1 GB and 2 GB JTLs with the seeded generator
# (`cargo run --release --example gen -- jtl SIZE OUT`), then, in one run, alternating
# the tools on each file, three times: `headroom analyze` (charts off and on),
# `headroom inspect`, a polars-Python and a pandas script computing the same
# per-label aggregates (count, mean, p50, p95, p99, errors), and `cat FILE | wc -c`
# as the I/O floor. Prints a Markdown table of the median wall time, CPU time (user +
# system) and peak RSS (`/usr/bin/time -v`) of each, the versions and the machine.
# CPU time is the steadier figure on a shared VM: a tool that maps a GB of memory
# pays page faults in system time that vary run to run.
#
#   bench/analyze.sh                  # 100 MB, 1 GB and 2 GB
#   SIZES="1GB" bench/analyze.sh      # one file
#   THREADS=1 bench/analyze.sh        # headroom on one thread
#
# polars and pandas are installed from PyPI into a venv (BENCH_VENV to reuse one).
# Generated files go to a temp dir (BENCH_DIR to choose) and are deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100MB 1GB 2GB"}
REPS=${REPS:-3}
T=${CARGO_TARGET_DIR:-target}
BIN=${HEADROOM:-$T/release/headroom}
GEN=$T/release/examples/gen
[ -x "$BIN" ] && [ -x "$GEN" ] || cargo build --release --bin headroom --example gen
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 2; }
WORK=${BENCH_DIR:-$(mktemp -d)}
VENV=${BENCH_VENV:-$WORK/venv}
trap 'rm -rf "$WORK"/bench_*' EXIT
THREADS_FLAG=()
[ -n "${THREADS:-}" ] && THREADS_FLAG=(--threads "$THREADS")

if [ ! -x "$VENV/bin/python" ]; then
  echo "installing polars and pandas into $VENV…" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q polars pandas
fi
PY=$VENV/bin/python

cat > "$WORK/bench_polars.py" <<'PY'
import sys
import polars as pl
q = (
    pl.scan_csv(sys.argv[1], schema_overrides={"elapsed": pl.Int64, "success": pl.Utf8, "label": pl.Utf8})
    .select(["label", "elapsed", "success"])
    .group_by("label")
    .agg(
        count=pl.len(),
        mean=pl.col("elapsed").mean(),
        p50=pl.col("elapsed").quantile(0.50),
        p95=pl.col("elapsed").quantile(0.95),
        p99=pl.col("elapsed").quantile(0.99),
        errors=(pl.col("success") != "true").sum(),
    )
    .sort("label")
)
try:
    out = q.collect(engine="streaming")
except TypeError:
    out = q.collect(streaming=True)
print(out)
PY
cat > "$WORK/bench_pandas.py" <<'PY'
import sys
import pandas as pd
df = pd.read_csv(sys.argv[1], usecols=["label", "elapsed", "success"],
                 dtype={"label": str, "elapsed": "int64", "success": str})
df["error"] = df["success"] != "true"
g = df.groupby("label")
out = g["elapsed"].agg(count="count", mean="mean",
                       p50=lambda s: s.quantile(0.50),
                       p95=lambda s: s.quantile(0.95),
                       p99=lambda s: s.quantile(0.99))
out["errors"] = g["error"].sum()
print(out)
PY

# "peak_kb seconds cpu_seconds" of a command.
measure() {
  if ! /usr/bin/time -v "$@" >/dev/null 2>"$WORK/bench_time.txt"; then
    echo "failed: $*" >&2
    tail -5 "$WORK/bench_time.txt" >&2
    echo "0 0 0"
    return
  fi
  local kb wall cpu
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/bench_time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/bench_time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/bench_time.txt")
  # h:mm:ss or m:ss.ss → seconds
  echo "$kb $(echo "$wall" | awk -F: '{s=0; for (i=1;i<=NF;i++) s=s*60+$i; print s}') $cpu"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

TOOLS=(analyze analyze_charts inspect polars pandas cat)
run_tool() { # tool file
  local dir; dir=$(dirname "$2")
  case $1 in
    analyze) rm -rf "$WORK/bench_out"; measure "$BIN" analyze "$dir" --out "$WORK/bench_out" --charts none "${THREADS_FLAG[@]}" ;;
    analyze_charts) rm -rf "$WORK/bench_out"; measure "$BIN" analyze "$dir" --out "$WORK/bench_out" "${THREADS_FLAG[@]}" ;;
    inspect) measure "$BIN" inspect "$2" ;;
    polars) measure "$PY" "$WORK/bench_polars.py" "$2" ;;
    pandas) measure "$PY" "$WORK/bench_pandas.py" "$2" ;;
    cat) measure sh -c "cat '$2' | wc -c" ;;
  esac
}

rows=()
for size in $SIZES; do
  f="$WORK/bench_$size/results.jtl"
  mkdir -p "$(dirname "$f")"
  echo "generating a $size JTL…" >&2
  "$GEN" jtl "$size" "$f"
  mb=$(( $(stat -c %s "$f") / 1000000 ))
  lines=$(wc -l < "$f")
  cat "$f" > /dev/null # page cache warm
  declare -A wall=() rss=() cpus=()
  for rep in $(seq "$REPS"); do
    for tool in "${TOOLS[@]}"; do
      read -r kb secs cpu < <(run_tool "$tool" "$f")
      echo "$size rep $rep $tool: ${secs} s, ${cpu} CPU-s, $((kb / 1024)) MB" >&2
      wall[$tool]+="$secs "
      cpus[$tool]+="$cpu "
      rss[$tool]+="$kb "
    done
  done
  for tool in "${TOOLS[@]}"; do
    w=$(echo "${wall[$tool]}" | tr ' ' '\n' | grep . | median)
    r=$(echo "${rss[$tool]}" | tr ' ' '\n' | grep . | median)
    c=$(echo "${cpus[$tool]}" | tr ' ' '\n' | grep . | median)
    eval "W_$tool=$w"
    eval "C_$tool=$c"
    rows+=("| ${mb} MB ($((lines - 1)) rows) | $tool | $w s | $c s | $((r / 1024)) MB |")
  done
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
  rows+=("| ${mb} MB | **ratios** | wall: analyze ÷ polars $(ratio "$W_analyze" "$W_polars"), ÷ pandas $(ratio "$W_analyze" "$W_pandas"); inspect ÷ polars $(ratio "$W_inspect" "$W_polars") | CPU: analyze ÷ polars $(ratio "$C_analyze" "$C_polars"), ÷ pandas $(ratio "$C_analyze" "$C_pandas") | |")
  unset wall rss cpus
  rm -rf "$WORK/bench_$size" "$WORK/bench_out"
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
mem=$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1024 / 1024}' /proc/meminfo)
echo
echo "Machine: $(nproc) cores of ${cpu}, ${mem} RAM, load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Versions: $("$BIN" --version); $("$PY" -c 'import polars, pandas, sys; print(f"polars {polars.__version__}, pandas {pandas.__version__}, Python {sys.version.split()[0]}")')."
echo "Median of $REPS runs, tools alternating; wall, CPU (user + system) and peak RSS from /usr/bin/time -v."
echo
echo "| file | tool | wall | CPU | peak RSS |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
