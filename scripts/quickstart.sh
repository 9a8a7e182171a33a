#!/usr/bin/env bash
# On a fresh machine: install what simulate needs, build it (release) and run the Matatika scenario
# with its embedded defaults. Extra arguments go to simulate (e.g. --packages 400).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-system-deps.sh
swift build -c release
.build/release/simulate --scenario matatika "$@"
