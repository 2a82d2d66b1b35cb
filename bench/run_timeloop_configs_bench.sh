#!/usr/bin/env bash
# cosa against timeloop-mapper on Timeloop 019f107's own mapper configurations
# (bench/data/timeloop-configs: sample, chen-asplos2014, eyeriss-256; each file holds the
# architecture, the layer and the constraints). Per configuration: cosa's cycles and energy next to
# timeloop-mapper's, the EDP ratio (timeloop-mapper / cosa: above 1 means cosa is better) and the
# CPU time of `cosa schedule` (one solver thread).
#
# usage: bench/run_timeloop_configs_bench.sh [-- extra cosa schedule arguments]
# environment: COSA_BUILD_DIR    build dir (default build)
#              TIMELOOP_MODEL    a timeloop-model binary (019f107): each cosa mapping is re-run in it
#                                and its cycles and energy must equal cosa's
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/bench/data/timeloop-configs"
[ "${1:-}" = "--" ] && shift
"$root/scripts/build.sh" >/dev/null
build="${COSA_BUILD_DIR:-$root/build}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for dir in "$data"/*/; do
  name="$(basename "$dir")"
  case_out="$out/$name"
  mkdir -p "$case_out"
  if ! /usr/bin/time -f "%U %S" -o "$case_out/time" "$build/cosa" schedule --arch "$dir/config.yaml" \
    --out "$case_out" "$@" >"$case_out/log" 2>&1; then
    echo "FAILED: $name: $(tail -n 3 "$case_out/log")" >&2
    echo "failed" >"$case_out/status"
    continue
  fi
  if [ -n "${TIMELOOP_MODEL:-}" ]; then
    mkdir -p "$case_out/timeloop"
    (cd "$case_out/timeloop" && "$TIMELOOP_MODEL" "$dir/config.yaml" "$case_out/mapping.yaml" >log 2>&1) ||
      echo "timeloop-model rejected $name" >&2
  fi
done

python3 - "$out" "$data" <<'PY'
import json, math, os, re, sys
out, data = sys.argv[1], sys.argv[2]
ratios, failed, mismatches, checked = [], [], [], 0
print("| configuration | cosa cycles | cosa energy (uJ) | timeloop-mapper cycles | timeloop-mapper energy (uJ) | "
      "EDP ratio (timeloop-mapper / cosa) | cosa CPU time (s) |")
print("|---|---|---|---|---|---|---|")
for name in sorted(os.listdir(out)):
    case = os.path.join(out, name)
    ref = json.load(open(os.path.join(data, name, "timeloop-mapper.json")))
    if os.path.exists(os.path.join(case, "status")):
        failed.append(name)
        print(f"| {name} | failed | | {ref['cycles']:,} | {ref['energy_uJ']:,.2f} | | |")
        continue
    stats = json.load(open(os.path.join(case, "stats.json")))
    cycles, energy = stats["cycles"], stats["energy_pJ"] / 1e6
    cpu = sum(map(float, open(os.path.join(case, "time")).read().split()[-2:]))
    ratio = ref["cycles"] * ref["energy_uJ"] / (cycles * energy)
    ratios.append(ratio)
    stats_txt = os.path.join(case, "timeloop", "timeloop-model.stats.txt")
    if os.path.isdir(os.path.join(case, "timeloop")):
        checked += 1
        text = open(stats_txt).read() if os.path.exists(stats_txt) else ""
        c = re.search(r"^Cycles: (\d+)", text, re.M)
        e = re.search(r"^Energy: ([\d.]+) uJ", text, re.M)
        if not (c and e and int(c.group(1)) == cycles and abs(float(e.group(1)) - energy) <= 0.01 + 1e-4 * energy):
            mismatches.append(name)
    print(f"| {name} | {cycles:,} | {energy:,.2f} | {ref['cycles']:,} | {ref['energy_uJ']:,.2f} | {ratio:.3f} | {cpu:.2f} |")
if ratios:
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print(f"\n{len(ratios)} configurations scheduled, {len(failed)} failed; EDP geomean {geomean:.3f}x in cosa's favour, "
          f"worst {min(ratios):.3f}x")
if mismatches:
    print(f"timeloop-model disagrees with cosa (or rejected the mapping) on: {', '.join(mismatches)}")
elif checked:
    print(f"timeloop-model re-ran all {checked} cosa mappings with the same cycles and energy")
sys.exit(1 if failed or mismatches else 0)
PY
