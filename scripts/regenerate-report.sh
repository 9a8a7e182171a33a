#!/usr/bin/env bash
# Regenerates the committed REPORT.md from the default Matatika run (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
out="runs/report-$(date -u +%Y%m%dT%H%M%S)"
# The public cost profile, so that the committed report is the same on every machine.
.build/release/simulate --scenario matatika --output "$out" --set cost_file=scenarios/costs/cpython-public.json
cp "$out/REPORT.md" REPORT.md
cp "$out/chart.svg" chart.svg
echo "REPORT.md and chart.svg updated from $out"
