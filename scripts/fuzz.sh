#!/usr/bin/env bash
# Fuzzes the scenario loader, the entry_points.txt parser and the Meltano log reader with libFuzzer, each for a bounded
# number of runs (default 1,000,000) or time, starting from the corpus in fuzz/corpus/ (and, where there is one, the
# dictionary in fuzz/dict/: YAML anchors, aliases and merge keys for the scenario loader).
#   scripts/fuzz.sh [RUNS] [MAX_SECONDS] [TARGET...]  TARGET: scenario, entry-points, log-line, timeline (default: all)
# Any input that takes over 1 s (-timeout=1) or 2 GiB (-rss_limit_mb) is a failure, like a crash. The timeline target
# also times each input per byte (repeated to 4 KiB, in thread CPU time): one slower than 10x the median per byte whose
# time more than triples when its size doubles (each the fastest of 5) is a finding (fuzz/crash-FuzzTimeline-*); the
# counts, the median and the slowest input per byte are printed at the end and on a finding (FuzzTimeline's own line),
# and every 10,000 inputs to $FUZZ_TIMELINE_STATS when set.
# FUZZ_SCRATCH_PATH sets the build folder (default fuzz/.build); FUZZ_CONFIGURATION=release builds optimized
# targets (many more inputs per minute; the time per byte is then the release build's). FUZZ_TIMEOUT (seconds, default
# 1) raises -timeout on a machine busy with other work, where a starved input would otherwise read as a hang.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
runs="${1:-1000000}"
seconds="${2:-900}"
shift $(( $# < 2 ? $# : 2 ))
wanted=("$@")
build="${FUZZ_SCRATCH_PATH:-.build}"
config="${FUZZ_CONFIGURATION:-debug}"
flags=(-c "$config" --scratch-path "$build" -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld)
targets=(FuzzScenario:scenario FuzzEntryPoints:entry-points FuzzLogLine:log-line FuzzTimeline:timeline)
# Only the targets asked for are built (one target needs only its part of the main package).
if (( ${#wanted[@]} == 0 )); then
  swift build "${flags[@]}"
else
  for target in "${targets[@]}"; do
    if [[ " ${wanted[*]} " == *" ${target##*:} "* ]]; then swift build "${flags[@]}" --product "${target%%:*}"; fi
  done
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for target in "${targets[@]}"; do
  binary="${target%%:*}"; corpus="${target##*:}"
  if (( ${#wanted[@]} > 0 )) && [[ " ${wanted[*]} " != *" $corpus "* ]]; then continue; fi
  mkdir -p "$work/$corpus"
  # The timeline target starts from the log-line corpus (the same inputs: log lines and logs).
  seeds=corpus/"$corpus"; if [[ ! -d "$seeds" ]]; then seeds=corpus/log-line; fi
  dict=()
  if [[ -f "dict/$corpus.dict" ]]; then dict=(-dict="dict/$corpus.dict"); fi
  echo "== $binary: up to $runs runs or $seconds s (new inputs go to a scratch folder, not the committed corpus)"
  # -max_len keeps inputs small enough for many runs; crashes and slow inputs land in fuzz/crash-* for the report.
  if ! "$build/$config/$binary" "$work/$corpus" "$seeds" "${dict[@]}" -runs="$runs" \
      -max_total_time="$seconds" -max_len=4096 -timeout="${FUZZ_TIMEOUT:-1}" -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="crash-$binary-" 2>&1 | tail -n 16; then
    status=1
  fi
done
exit $status
