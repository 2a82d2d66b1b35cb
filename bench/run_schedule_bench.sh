#!/usr/bin/env bash
# Builds Release and reports the CoSA scheduler on every unique layer of the bundled networks on
# Simba: time-to-solution per layer (one solver thread), medians and maxima, and a Markdown table of
# geomean cycles and energy per network for each objective (the first is the reference).
# usage: bench/run_schedule_bench.sh [objective ...]   (default: edp cosa-paper)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" >/dev/null
"$root/scripts/build.sh" >/dev/null
build="${COSA_BUILD_DIR:-$root/build}"
if [ "$#" -eq 0 ]; then set -- edp cosa-paper; fi
"$build/bench/schedule_times_bench" "$@"
