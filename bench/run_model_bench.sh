#!/usr/bin/env bash
# Builds the cost-model benchmark in Release and prints the median evaluations/s per core.
#   bench/run_model_bench.sh [extra Google Benchmark flags...]
# BUILD_DIR overrides the build folder (default: <repo>/build-bench).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build-bench}"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target model_bench >/dev/null

json="$(mktemp)"
trap 'rm -f "$json"' EXIT
"$build/bench/model_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"

python3 - "$json" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") == "median" and "items_per_second" in b:
        print(f"{b['run_name']}: median {b['items_per_second']:,.0f} evaluations/s")
PY
