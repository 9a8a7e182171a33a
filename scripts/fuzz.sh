#!/usr/bin/env bash
# Fuzzes the scenario loader, the entry_points.txt parser and the Meltano log reader with libFuzzer, each for a bounded
# number of runs (default 1,000,000) or time, starting from the corpus in fuzz/corpus/.
#   scripts/fuzz.sh [RUNS] [MAX_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
runs="${1:-1000000}"
seconds="${2:-900}"
swift build -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for target in FuzzScenario:scenario FuzzEntryPoints:entry-points FuzzLogLine:log-line; do
  binary="${target%%:*}"; corpus="${target##*:}"
  mkdir -p "$work/$corpus"
  echo "== $binary: up to $runs runs or $seconds s (new inputs go to a scratch folder, not the committed corpus)"
  # -max_len keeps inputs small enough for many runs; crashes land in fuzz/crash-* for the report.
  if ! .build/debug/"$binary" "$work/$corpus" corpus/"$corpus" -runs="$runs" -max_total_time="$seconds" \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="crash-$binary-" 2>&1 | tail -n 12; then
    status=1
  fi
done
exit $status
