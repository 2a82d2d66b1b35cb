#!/usr/bin/env bash
# Wall time of `cosa network` on a bundled network with --jobs 1 and --jobs 2 (median of N runs
# each, alternating), and their ratio. usage: bench/run_network_jobs_bench.sh [network] [runs]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
network="${1:-resnet50}"
runs="${2:-3}"
"$root/scripts/build.sh" >/dev/null
build="${COSA_BUILD_DIR:-$root/build}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
time_run() {
  local jobs="$1" start end
  start=$(date +%s.%N)
  "$build/cosa" network --arch "$root/data/arch/simba.yaml" --mapspace "$root/data/mapspace/simba_bypass.yaml" \
    --network "$network" --jobs "$jobs" --out "$out/j$jobs" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
}
one=(); two=()
for ((i = 0; i < runs; i++)); do
  one+=("$(time_run 1)")
  two+=("$(time_run 2)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
m1=$(median "${one[@]}"); m2=$(median "${two[@]}")
echo "network $network, $runs runs each: --jobs 1 median ${m1} s, --jobs 2 median ${m2} s, ratio $(awk -v a="$m2" -v b="$m1" 'BEGIN {printf "%.3f", a / b}')"
