#!/usr/bin/env bash
# Profile-guided release build of netstage and of the benchmark's floors.
#
#   scripts/pgo_build.sh      # binaries in target/pgo/<host>/release/
#
# 1. Builds them instrumented (-Cprofile-generate) in target/pgo-gen.
# 2. Runs them on training inputs that are not the benchmark's files: the
#    bundled sample_data/ and files generated here with seeds of their own
#    (200,000 EOD-coded rows as CSV, 30,000 of them as NAACCR XML, 100,000
#    plain rows as CSV and Parquet), staged to CSV and to Parquet.
# 3. Merges the profiles with the toolchain's own llvm-profdata (rustup's
#    llvm-tools component, added when missing: the profile format follows
#    the compiler's LLVM version).
# 4. Builds them again with -Cprofile-use in target/pgo.
# The source is the same as a plain `cargo build --release`, so are the
# outputs; the code is laid out and inlined for the paths the training
# took. Needs Python 3 (the generator) and, the first time, rustup's network.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=$(rustc -vV | sed -n 's/^host: //p')
PROFDATA="$(rustc --print sysroot)/lib/rustlib/$HOST/bin/llvm-profdata"
if [[ ! -x $PROFDATA ]]; then
    rustup component add llvm-tools >&2
fi
if [[ ! -x $PROFDATA ]]; then
    echo "pgo_build.sh: no llvm-profdata at $PROFDATA (rustup component add llvm-tools)" >&2
    exit 1
fi

TRAIN=target/pgo-train
PROFILES="$PWD/target/pgo-profiles"
mkdir -p "$TRAIN"
# --target: the flags then reach the binaries, not build scripts.
build() {
    RUSTFLAGS="$1" cargo build --release --quiet --target "$HOST" --target-dir "$2" \
        --bin netstage --example csv_floor --example csv_to_parquet --example xml_floor
}

echo "pgo_build.sh: instrumented build" >&2
rm -rf "$PROFILES"
build "-Cprofile-generate=$PROFILES" target/pgo-gen
GEN="target/pgo-gen/$HOST/release"

if [[ ! -s $TRAIN/eod.csv ]]; then
    python3 scripts/gen_sample_data.py --big 200000 --eod --seed 11 --out "$TRAIN/eod.csv" >&2
    python3 scripts/gen_sample_data.py --big 100000 --seed 12 --out "$TRAIN/plain.csv" >&2
    head -n 30001 "$TRAIN/eod.csv" > "$TRAIN/eod-30k.csv"
    python3 scripts/csv_to_naaccr_xml.py --canonical "$TRAIN/eod-30k.csv" "$TRAIN/eod.xml" >&2
fi

echo "pgo_build.sh: training runs" >&2
out="$TRAIN/out"
stage() { rm -rf "$out"; "$GEN/netstage" stage "$@" -o "$out" --quiet > /dev/null; }
for f in sample_data/*.csv sample_data/*.xml; do
    stage "$f"
done
stage "$TRAIN/eod.csv"
stage "$TRAIN/eod.csv" --output-format parquet
stage "$TRAIN/plain.csv"
"$GEN/examples/csv_to_parquet" "$TRAIN/plain.csv" "$TRAIN/plain.parquet" --int age_at_dx,survival_months >&2
stage "$TRAIN/plain.parquet" --output-format parquet
stage "$TRAIN/eod.xml"
"$GEN/examples/csv_floor" "$TRAIN/eod.csv" "$TRAIN/floor.csv" 2> /dev/null
"$GEN/examples/xml_floor" "$TRAIN/eod.xml" > /dev/null 2>&1
rm -rf "$out" "$TRAIN/floor.csv"

"$PROFDATA" merge -o "$TRAIN/merged.profdata" "$PROFILES"
echo "pgo_build.sh: optimised build" >&2
build "-Cprofile-use=$PWD/$TRAIN/merged.profdata" target/pgo
echo "target/pgo/$HOST/release"
