#!/usr/bin/env bash
# End-to-end benchmark of netstage on a deterministic registry-like file.
#
#   benches/e2e.sh                 # 2,000,000 rows, 3 runs each
#   ROWS=10000000 benches/e2e.sh   # the 10M-row memory check
#   PGO=1 benches/e2e.sh           # profile-guided builds (scripts/pgo_build.sh)
#
# Generates the file once (scripts/gen_sample_data.py, fixed seed; 32 columns,
# every site group, all bases) as CSV and as Parquet (zstd), then times, with
# /usr/bin/time, the plain csv-crate read+write pass (the floor no staging tool
# can beat) and netstage CSV->CSV, Parquet->Parquet and CSV->Parquet, taking
# turns; then the same file with EOD columns (--big --eod: 36 columns, EOD
# codes on the 2018+ rows) through its own floor and netstage CSV->CSV; then
# that EOD file written as NAACCR XML (scripts/csv_to_naaccr_xml.py
# --canonical: one Patient per Tumor, every non-blank cell an Item) through
# the XML floor (examples/xml_floor: a bare quick-xml pass, events only) and
# netstage XML->CSV.
# Prints a Markdown table: median wall time, rows/s, median CPU time (user +
# system: it moves less than the wall time when the machine's I/O is busy,
# which slows the single-threaded floors most), peak RSS (of the timed
# process, /usr/bin/time). Release build.
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
# PGO=0 (the default): a plain `cargo build --release`, the build every
# figure in BENCHMARKS.md before 2026-12-04 is of; PGO=1: netstage and the
# floors built alike by scripts/pgo_build.sh (profile-guided, trained on
# other generated files).
PGO=${PGO:-0}
if [[ $PGO == 1 ]]; then
    BIN=$(scripts/pgo_build.sh | tail -n 1)
    BUILD="profile-guided release build (scripts/pgo_build.sh)"
else
    cargo build --release --quiet --bin netstage --example csv_floor --example csv_to_parquet --example xml_floor
    BIN=target/release
    BUILD="release build (cargo build --release)"
fi
mkdir -p "$WORK"
CSV="$WORK/registry-$ROWS.csv"
PARQUET="$WORK/registry-$ROWS.parquet"
EOD_CSV="$WORK/registry-eod-$ROWS.csv"
EOD_XML="$WORK/registry-eod-$ROWS.xml"
if [[ ! -s $CSV ]]; then
    python3 scripts/gen_sample_data.py --big "$ROWS" --out "$CSV"
fi
if [[ ! -s $EOD_CSV ]]; then
    python3 scripts/gen_sample_data.py --big "$ROWS" --eod --out "$EOD_CSV"
fi
if [[ ! -s $EOD_XML ]]; then
    python3 scripts/csv_to_naaccr_xml.py --canonical "$EOD_CSV" "$EOD_XML"
fi
if [[ ! -s $PARQUET ]]; then
    "$BIN/examples/csv_to_parquet" "$CSV" "$PARQUET" --int age_at_dx,survival_months
fi
threads_flag=()
if [[ -n $THREADS ]]; then threads_flag=(--threads "$THREADS"); fi

# The runs go round-robin (floor, CSV->CSV, Parquet->Parquet, CSV->Parquet,
# then again), so a slow spell of a shared machine hits every kind alike.
NAMES=("csv crate read+write (floor)" "netstage CSV->CSV" "netstage Parquet->Parquet" "netstage CSV->Parquet"
       "EOD file: csv crate read+write (floor)" "EOD file: netstage CSV->CSV"
       "EOD file as XML: quick-xml pass (floor)" "EOD file as XML: netstage XML->CSV")
KINDS=(${KINDS:-0 1 2 3 4 5 6 7})
# command_for KIND -> CMD (the command line of run kind KIND) and OUT (what
# it writes: a file or a directory, removed before each run; blank: nothing)
command_for() {
    case $1 in
        0) OUT="$WORK/floor.csv"; CMD=("$BIN/examples/csv_floor" "$CSV" "$OUT") ;;
        1) OUT="$WORK/out-csv"; CMD=("$BIN/netstage" stage "$CSV" -o "$OUT" --quiet) ;;
        2) OUT="$WORK/out-pq"; CMD=("$BIN/netstage" stage "$PARQUET" -o "$OUT" --quiet --output-format parquet) ;;
        3) OUT="$WORK/out-csv-pq"; CMD=("$BIN/netstage" stage "$CSV" -o "$OUT" --quiet --output-format parquet) ;;
        4) OUT="$WORK/floor.csv"; CMD=("$BIN/examples/csv_floor" "$EOD_CSV" "$OUT") ;;
        5) OUT="$WORK/out-eod"; CMD=("$BIN/netstage" stage "$EOD_CSV" -o "$OUT" --quiet) ;;
        6) OUT=""; CMD=("$BIN/examples/xml_floor" "$EOD_XML") ;;
        7) OUT="$WORK/out-xml"; CMD=("$BIN/netstage" stage "$EOD_XML" -o "$OUT" --quiet) ;;
    esac
    if ((${1} > 0 && ${1} != 4 && ${1} != 6)); then CMD+=("${threads_flag[@]}"); fi
}
declare -a WALLS CPUS RSS MEDIANS
# Each run starts with its output gone, outside the timing. The floor
# truncates its file as it opens it, so the pages it writes reuse the ones
# just freed; netstage writes beside the old output and renames over it, so
# without this it would fill the page cache from memory freed seconds
# earlier, which a VM may have handed back to its host: on the 2-core VM of
# 2026-12-03 that cost netstage 0.8 s of kernel time on the EOD file
# (1.3-1.8 s against 0.4-0.6 s), the floor nothing.
for _ in $(seq "$RUNS"); do
    for k in "${KINDS[@]}"; do
        command_for "$k"
        if [[ -n $OUT ]]; then rm -rf "$OUT"; fi
        /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.txt" "${CMD[@]}" > /dev/null 2> "$WORK/stderr.txt" || {
            echo "failed: ${NAMES[$k]}" >&2
            cat "$WORK/stderr.txt" >&2
            exit 1
        }
        read -r wall kb user sys < "$WORK/time.txt"
        WALLS[k]="${WALLS[k]:-} $wall"
        CPUS[k]="${CPUS[k]:-} $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')"
        ((kb > ${RSS[k]:-0})) && RSS[k]=$kb
    done
done

echo "build: $BUILD"
echo "rows: $ROWS   runs: $RUNS   machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "CSV $(du -h "$CSV" | cut -f1), Parquet $(du -h "$PARQUET" | cut -f1), EOD CSV $(du -h "$EOD_CSV" | cut -f1), EOD XML $(du -h "$EOD_XML" | cut -f1)"
echo
echo "| run | seconds (median) | rows/s | CPU seconds (median) | peak RSS MB | all runs (s) |"
echo "|---|---|---|---|---|---|"
for k in "${KINDS[@]}"; do
    # shellcheck disable=SC2086
    median=$(printf '%s\n' ${WALLS[k]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    # shellcheck disable=SC2086
    cpu=$(printf '%s\n' ${CPUS[k]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    awk -v n="${NAMES[$k]}" -v s="$median" -v c="$cpu" -v r="$ROWS" -v m="${RSS[k]}" -v all="${WALLS[k]# }" \
        'BEGIN {printf "| %s | %.2f | %.0f | %.2f | %.0f | %s |\n", n, s, r / s, c, m / 1024, all}'
    MEDIANS[k]=$median
done
# netstage's speed as a share of its file's floor (median against median),
# where both ran: CSV->CSV and XML->CSV each have a target of 0.6 (#10,
# io-contract section 16).
echo
for pair in "0 1" "4 5" "6 7"; do
    read -r floor run <<< "$pair"
    if [[ -n ${MEDIANS[floor]:-} && -n ${MEDIANS[run]:-} ]]; then
        awk -v n="${NAMES[$run]}" -v f="${MEDIANS[floor]}" -v s="${MEDIANS[run]}" \
            'BEGIN {printf "%s: %.2f of its floor'"'"'s speed\n", n, f / s}'
    fi
done
rm -f "$WORK/floor.csv"
