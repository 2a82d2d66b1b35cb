#!/usr/bin/env bash
# cosa against timeloop-mapper on designs nobody here wrote: every case of the visible any-architecture
# set (tests/data/anyarch: four designs of timeloop-accelergy-exercises x three layers, with
# timeloop-mapper's best mapping and its numbers as timeloop-model reports them). Per case:
# cosa's cycles, energy and EDP next to timeloop-mapper's, their EDP ratio (timeloop-mapper / cosa:
# above 1 means cosa is better), the CPU time of `cosa schedule` (one solver thread), and the
# geomean ratios measured in the same run.
#
# usage: bench/run_anyarch_bench.sh [data dir] [-- extra cosa schedule arguments]
#   data dir: design folders of layer folders (problem.yaml, timeloop-mapper.json); a design folder
#   without its own arch.yaml takes the design's files (arch.yaml, components/, constraints.yaml)
#   from tests/data/anyarch. bench/data/anyarch-heldback holds other layers on the same designs.
# environment: COSA_BUILD_DIR    build dir (default build)
#              TIMELOOP_MODEL    a timeloop-model binary (019f107): each cosa mapping is re-run in it and
#                                its cycles and energy must equal cosa's (the schedule is valid there)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/tests/data/anyarch"
if [ "$#" -gt 0 ] && [ "$1" != "--" ]; then data="$(cd "$1" && pwd)"; shift; fi  # absolute: timeloop-model runs elsewhere
[ "${1:-}" = "--" ] && shift
"$root/scripts/build.sh" >/dev/null
build="${COSA_BUILD_DIR:-$root/build}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for design_dir in "$data"/*/; do
  design="$(basename "$design_dir")"
  layers_dir="$design_dir"
  [ -f "$design_dir/arch.yaml" ] || design_dir="$root/tests/data/anyarch/$design/"
  [ -f "$design_dir/arch.yaml" ] || continue
  for layer_dir in "$layers_dir"*/; do
    layer="$(basename "$layer_dir")"
    [ -f "$layer_dir/problem.yaml" ] || continue
    case_out="$out/$design/$layer"
    mkdir -p "$case_out"
    # CPU seconds of the whole command (the MIP solver runs in-process), not wall time: the
    # machine may be shared.
    if ! /usr/bin/time -f "%U %S" -o "$case_out/time" "$build/cosa" schedule --arch "$design_dir/arch.yaml" \
      --mapspace "$design_dir/constraints.yaml" --problem "$layer_dir/problem.yaml" --out "$case_out" "$@" \
      >"$case_out/log" 2>&1; then
      echo "FAILED: $design/$layer: $(tail -n 3 "$case_out/log")" >&2
      echo "failed" >"$case_out/status"
      continue
    fi
    if [ -n "${TIMELOOP_MODEL:-}" ]; then
      mkdir -p "$case_out/timeloop"
      (cd "$case_out/timeloop" &&
        "$TIMELOOP_MODEL" "$design_dir/arch.yaml" "$design_dir"/components/*.yaml "$layer_dir/problem.yaml" \
          "$case_out/mapping.yaml" >log 2>&1) || echo "timeloop-model rejected $design/$layer" >&2
    fi
  done
done

python3 - "$out" "$data" <<'PY'
import json, math, os, re, sys
out, data = sys.argv[1], sys.argv[2]
rows, ratios, times, failures, mismatches, checked = [], [], [], [], [], 0
for design in sorted(os.listdir(out)):
    for layer in sorted(os.listdir(os.path.join(out, design))):
        case = os.path.join(out, design, layer)
        with open(os.path.join(data, design, layer, "timeloop-mapper.json")) as f:
            ref = json.load(f)
        ref_cycles, ref_energy = ref["cycles"], ref["energy_uJ"]
        if os.path.exists(os.path.join(case, "status")):
            failures.append(f"{design}/{layer}")
            rows.append(f"| {design} | {layer} | failed | | | {ref_cycles:,} | {ref_energy:,.2f} | | |")
            continue
        with open(os.path.join(case, "stats.json")) as f:
            stats = json.load(f)
        cycles, energy = stats["cycles"], stats["energy_pJ"] / 1e6
        with open(os.path.join(case, "time")) as f:
            user, system = map(float, f.read().split()[-2:])
        ratio = (ref_cycles * ref_energy) / (cycles * energy)
        ratios.append(ratio)
        times.append(user + system)
        timeloop = os.path.join(case, "timeloop", "timeloop-model.stats.txt")
        if os.path.exists(os.path.join(case, "timeloop")):
            checked += 1
            text = open(timeloop).read() if os.path.exists(timeloop) else ""
            m_cycles = re.search(r"^Cycles: (\d+)", text, re.M)
            m_energy = re.search(r"^Energy: ([\d.]+) uJ", text, re.M)
            if not (m_cycles and m_energy and int(m_cycles.group(1)) == cycles and
                    abs(float(m_energy.group(1)) - energy) <= 0.01 + 1e-4 * energy):
                mismatches.append(f"{design}/{layer}")
        rows.append(f"| {design} | {layer} | {cycles:,} | {energy:,.2f} | {cycles * energy:.4g} | {ref_cycles:,} | "
                    f"{ref_energy:,.2f} | {ratio:.3f} | {user + system:.2f} |")
print("| design | layer | cosa cycles | cosa energy (uJ) | cosa EDP | timeloop-mapper cycles | "
      "timeloop-mapper energy (uJ) | EDP ratio (timeloop-mapper / cosa) | cosa CPU time (s) |")
print("|---|---|---|---|---|---|---|---|---|")
print("\n".join(rows))
if ratios:
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    times.sort()
    median = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    print(f"\n{len(ratios)} cases scheduled, {len(failures)} failed; EDP geomean {geomean:.3f}x in cosa's favour, "
          f"worst {min(ratios):.3f}x; CPU time per layer median {median:.2f} s, max {max(times):.2f} s")
if mismatches:
    print(f"timeloop-model disagrees with cosa (or rejected the mapping) on: {', '.join(mismatches)}")
elif checked:
    print(f"timeloop-model re-ran all {checked} cosa mappings with the same cycles and energy")
if failures or mismatches:
    print(f"failed: {', '.join(failures)}")
    sys.exit(1)
PY
