#!/usr/bin/env bash
# Renders a report.html with headless Chromium at 1280 px and at 390 px (a
# phone) into PNG files, to look at what a person sees. Not part of CI.
#
#   scripts/report_screenshots.sh [REPORT_HTML] [OUT_DIR]
#
# Default: stages the bundled samples (registry and EOD exports) with
# --suppress-below 5 into /tmp/netstage-report and shoots its report.html.
# Needs the Debian package `chromium`.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${2:-/tmp/netstage-report}
mkdir -p "$OUT"
if [[ $# -ge 1 ]]; then
    REPORT=$1
else
    cargo run --release --quiet -- stage sample_data/registry_export.csv sample_data/eod_export.csv \
        -o "$OUT/run" --quiet --suppress-below 5
    REPORT="$OUT/run/report.html"
fi
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $CHROME ]]; then
    echo "needs chromium (Debian package: chromium)" >&2
    exit 1
fi
for w in 1280 390; do
    "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
        --window-size="$w,4000" --screenshot="$OUT/report-$w.png" "file://$(realpath "$REPORT")" 2>/dev/null
    echo "$OUT/report-$w.png"
done
