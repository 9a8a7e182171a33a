#!/usr/bin/env bash
# Regenerates the committed REPORT.md from the default Matatika run (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
out="runs/report-$(date -u +%Y%m%dT%H%M%S)"
.build/release/simulate --scenario matatika --output "$out"
cp "$out/REPORT.md" REPORT.md
echo "REPORT.md updated from $out"
