#!/usr/bin/env bash
# CBC against GLPK on a whole network: `cosa network --jobs 1` (seed fixed at the scheduler's default,
# 0, for both) once per backend and run, alternating, then per backend the median MIP solve time per
# layer (stats.json solver.time_s, both MIPs of the layer), the median time to solution, the geomean
# cycles and energy over the unique layers (weighted by how often each occurs), the winning MIP
# objectives, and the glpk/cbc ratios measured in the same run.
# usage: bench/run_backend_bench.sh [network] [runs]   (default: resnet50 1)
# environment: COSA_BUILD_DIR  build dir (default build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
network="${1:-resnet50}"
runs="${2:-1}"
"$root/scripts/build.sh" >/dev/null
build="${COSA_BUILD_DIR:-$root/build}"
"$build/cosa" network --help | grep -q glpk ||
  { echo "this cosa is built without GLPK (install libglpk-dev and reconfigure)" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for ((run = 0; run < runs; run++)); do
  for backend in cbc glpk; do
    "$build/cosa" network --arch "$root/data/arch/simba.yaml" --mapspace "$root/data/mapspace/simba_bypass.yaml" \
      --network "$network" --jobs 1 --backend "$backend" --out "$out/$backend.$run" >/dev/null 2>&1
  done
done

python3 - "$out" "$network" "$runs" <<'PY'
import json, math, os, statistics, sys
out, network, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def load(backend):
    """Per unique layer: count, cycles, energy, MIP objective and kind (first run), and solve and
    total times (median over runs)."""
    layers = {}
    for run in range(runs):
        folder = os.path.join(out, f"{backend}.{run}")
        with open(os.path.join(folder, "summary.json")) as f:
            summary = json.load(f)
        for entry in summary["per_layer"]:
            if not entry["found"]:
                sys.exit(f"{backend}: {entry['layer']} has no schedule: {entry['message']}")
            with open(os.path.join(folder, entry["output"], "stats.json")) as f:
                solver = json.load(f)["solver"]
            layer = layers.setdefault(entry["layer"], {
                "count": entry["count"], "cycles": entry["cycles"], "energy": entry["energy_pJ"],
                "objective": solver["objective"], "kind": solver["mip_objective"],
                "status": solver["status"], "solve": [], "total": []})
            layer["solve"].append(solver["time_s"])
            layer["total"].append(solver["total_time_s"])
    for layer in layers.values():
        layer["solve"] = statistics.median(layer["solve"])
        layer["total"] = statistics.median(layer["total"])
    return layers

def geomean(layers, key):
    weight = sum(l["count"] for l in layers.values())
    return math.exp(sum(l["count"] * math.log(l[key]) for l in layers.values()) / weight)

cbc, glpk = load("cbc"), load("glpk")
print(f"{network}, {len(cbc)} unique layers, cosa network --jobs 1, {runs} run(s) per backend\n")
print("| layer | cbc solve (s) | glpk solve (s) | cbc cycles | glpk cycles | cbc energy (uJ) | glpk energy (uJ) "
      "| cbc MIP objective | glpk MIP objective |")
print("|---|---|---|---|---|---|---|---|---|")
same = 0
for name, a in cbc.items():
    b = glpk[name]
    if a["kind"] == b["kind"] and a["objective"] is not None and b["objective"] is not None and \
            abs(a["objective"] - b["objective"]) <= 0.01 * max(abs(a["objective"]), abs(b["objective"]), 1e-9):
        same += 1
    objective = lambda l: "none" if l["objective"] is None else f"{l['objective']:.4f} ({l['kind']}, {l['status']})"
    print(f"| {name} | {a['solve']:.3f} | {b['solve']:.3f} | {a['cycles']} | {b['cycles']} | "
          f"{a['energy'] / 1e6:.2f} | {b['energy'] / 1e6:.2f} | {objective(a)} | {objective(b)} |")
print()
rows = []
for backend, layers in (("cbc", cbc), ("glpk", glpk)):
    rows.append((backend, statistics.median(l["solve"] for l in layers.values()),
                 statistics.median(l["total"] for l in layers.values()),
                 max(l["solve"] for l in layers.values()),
                 geomean(layers, "cycles"), geomean(layers, "energy") / 1e6))
print("| backend | median solve time per layer (s) | median time to solution (s) | max solve time (s) "
      "| geomean cycles | geomean energy (uJ) |")
print("|---|---|---|---|---|---|")
for row in rows:
    print(f"| {row[0]} | {row[1]:.3f} | {row[2]:.3f} | {row[3]:.3f} | {row[4]:.0f} | {row[5]:.2f} |")
(_, cs, ct, cm, cc, ce), (_, gs, gt, gm, gc, ge) = rows
print(f"| glpk/cbc | {gs / cs:.2f}x | {gt / ct:.2f}x | {gm / cm:.2f}x | {gc / cc:.4f}x | {ge / ce:.4f}x |")
print(f"\nwinning MIP objectives equal (same proxy, within 1%) on {same} of {len(cbc)} layers")
PY
