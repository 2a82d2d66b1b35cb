#!/usr/bin/env bash
# Schedules every layer of the PyTorch exports in tests/data/onnx (scripts/export_onnx_models.py)
# on Simba with the bundled mapspace, one layer at a time (--jobs 1, one solver thread), and prints
# a Markdown table per model: layers (unique), compute nodes, wall time, geomean cycles over the
# roofline bound (over unique layers), and the slowest layer with its time. With
# /work/timeloop/bin/timeloop-model (or $TIMELOOP_MODEL) present, it also re-runs the first
# COSA_TIMELOOP_LAYERS (default 4) layer folders of each model in Timeloop and compares cycles.
# usage: bench/run_onnx_bench.sh [OUT_DIR] [model ...]   (default: out/onnx-bench, every model)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${COSA_BUILD_DIR:-$root/build}"
[ -x "$build/cosa" ] || { "$root/scripts/setup.sh" >/dev/null && "$root/scripts/build.sh" >/dev/null; }
out="${1:-$root/out/onnx-bench}"
shift || true
models=("$@")
if [ "${#models[@]}" -eq 0 ]; then
  for f in "$root"/tests/data/onnx/*.onnx; do models+=("$(basename "$f" .onnx)"); done
fi
timeloop="${TIMELOOP_MODEL:-/work/timeloop/bin/timeloop-model}"
rerun="${COSA_TIMELOOP_LAYERS:-4}"
mkdir -p "$out"
echo "| model | layers (unique) | compute nodes | complete | wall (s) | geomean cycles / roofline | slowest layer | its time (s) | timeloop re-runs (same cycles) |"
echo "|---|---|---|---|---|---|---|---|---|"
for m in "${models[@]}"; do
  dir="$out/$m"
  rm -rf "$dir"
  "$build/cosa" network --arch "$root/data/arch/simba.yaml" --mapspace "$root/data/mapspace/simba_bypass.yaml" \
    --onnx "$root/tests/data/onnx/$m.onnx" --out "$dir" --jobs 1 >/dev/null 2>"$dir.log" || true
  checked="n/a"
  if [ -x "$timeloop" ] && [ "$rerun" -gt 0 ]; then
    same=0 total=0
    for layer in $(ls -d "$dir"/layers/*/ | head -n "$rerun"); do
      work="$(mktemp -d)"
      (cd "$work" && "$timeloop" "$root/data/arch/simba.yaml" "$layer/problem.yaml" "$layer/mapping.yaml" >/dev/null 2>&1) || true
      ours="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cycles"])' "$layer/stats.json")"
      theirs="$(grep -m1 '^Cycles:' "$work/timeloop-model.stats.txt" 2>/dev/null | awk '{print $2}')"
      total=$((total + 1))
      [ "$ours" = "$theirs" ] && same=$((same + 1))
      rm -rf "$work"
    done
    checked="$same/$total"
  fi
  python3 - "$dir/summary.json" "$m" "$checked" <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))
rows = [r for r in s["per_layer"] if r.get("found")]
geo = math.exp(sum(math.log(r["cycles"] / max(r["roofline_cycles"], 1)) for r in rows) / max(len(rows), 1))
slow = max(rows, key=lambda r: r["time_s"])
print(f"| {sys.argv[2]} | {s['layers']} ({s['unique_layers']}) | {s.get('compute_nodes', '?')} | {s['complete']} | "
      f"{s['wall_time_s']:.1f} | {geo:.3f} | {slow['layer']} | {slow['time_s']:.2f} | {sys.argv[3]} |")
PY
done
