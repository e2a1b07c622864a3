#!/usr/bin/env bash
# End-to-end benchmark of netstage on a deterministic registry-like file.
#
#   benches/e2e.sh                 # 2,000,000 rows, 3 runs each
#   ROWS=10000000 benches/e2e.sh   # the 10M-row memory check
#
# Generates the file once (scripts/gen_sample_data.py, fixed seed; 32 columns,
# every site group, all bases) as CSV and as Parquet (zstd), then times, with
# /usr/bin/time, the plain csv-crate read+write pass (the floor no staging tool
# can beat) and netstage CSV->CSV, Parquet->Parquet and CSV->Parquet. Prints a
# Markdown table: median wall time, rows/s, peak RSS. Release build.
set -euo pipefail

ROWS=${ROWS:-2000000}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/netstage-bench}
THREADS=${THREADS:-}
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/time ]]; then
    echo "needs /usr/bin/time (Debian package: time)" >&2
    exit 1
fi
cargo build --release --quiet --bin netstage --example csv_floor --example csv_to_parquet
BIN=target/release
mkdir -p "$WORK"
CSV="$WORK/registry-$ROWS.csv"
PARQUET="$WORK/registry-$ROWS.parquet"
if [[ ! -s $CSV ]]; then
    python3 scripts/gen_sample_data.py --big "$ROWS" --out "$CSV"
fi
if [[ ! -s $PARQUET ]]; then
    "$BIN/examples/csv_to_parquet" "$CSV" "$PARQUET" --int age_at_dx,survival_months
fi
threads_flag=()
if [[ -n $THREADS ]]; then threads_flag=(--threads "$THREADS"); fi

# measure NAME COMMAND... -> one table row (median of RUNS)
measure() {
    local name=$1
    shift
    local walls=() rss=0
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > /dev/null 2> "$WORK/stderr.txt" || {
            echo "failed: $*" >&2
            cat "$WORK/stderr.txt" >&2
            exit 1
        }
        read -r wall kb < "$WORK/time.txt"
        walls+=("$wall")
        ((kb > rss)) && rss=$kb
    done
    local median
    median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    awk -v n="$name" -v s="$median" -v r="$ROWS" -v m="$rss" -v all="${walls[*]}" \
        'BEGIN {printf "| %s | %.2f | %.0f | %.0f | %s |\n", n, s, r / s, m / 1024, all}'
}

echo "rows: $ROWS   runs: $RUNS   machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "CSV $(du -h "$CSV" | cut -f1), Parquet $(du -h "$PARQUET" | cut -f1)"
echo
echo "| run | seconds (median) | rows/s | peak RSS MB | all runs (s) |"
echo "|---|---|---|---|---|"
measure "csv crate read+write (floor)" "$BIN/examples/csv_floor" "$CSV" "$WORK/floor.csv"
measure "netstage CSV->CSV" "$BIN/netstage" stage "$CSV" -o "$WORK/out-csv" --quiet "${threads_flag[@]}"
measure "netstage Parquet->Parquet" "$BIN/netstage" stage "$PARQUET" -o "$WORK/out-pq" --quiet --output-format parquet "${threads_flag[@]}"
measure "netstage CSV->Parquet" "$BIN/netstage" stage "$CSV" -o "$WORK/out-csv-pq" --quiet --output-format parquet "${threads_flag[@]}"
rm -f "$WORK/floor.csv"
