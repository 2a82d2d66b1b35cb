#!/usr/bin/env bash
# Sweep throughput: runs a sweep spec (default examples/sweeps/simba_pe_glb.yaml) as SHARDS shard
# processes at once (default 1) with --jobs JOBS each (default 2 for one shard, else 1), merges it,
# and prints the wall time, points per hour, the CPU time, and how the time splits between the MIP
# solver and the rest (from every point.json: solve_time_s, schedule_time_s, wall_time_s).
# usage: bench/run_sweep_bench.sh [spec] [shards] [jobs]
# environment: COSA_BUILD_DIR  build dir (default build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spec="${1:-$root/examples/sweeps/simba_pe_glb.yaml}"
shards="${2:-1}"
jobs="${3:-$([ "$shards" -eq 1 ] && echo 2 || echo 1)}"
"$root/scripts/build.sh" >/dev/null
build="${COSA_BUILD_DIR:-$root/build}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
TIMEFORMAT='%R %U %S'
{
  time (
    for ((shard = 0; shard < shards; shard++)); do
      "$build/cosa" sweep run "$spec" --out "$out/sweep" --shard "$shard/$shards" --jobs "$jobs" \
        2>"$out/shard$shard.log" &
    done
    wait
  )
} 2>"$out/time"
read -r wall user system <"$out/time"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/cosa" sweep merge "$out/sweep" >/dev/null
python3 - "$out/sweep" "$wall" "$user" "$system" "$shards" "$jobs" <<'PY'
import glob, json, os, sys
sweep, wall, user, system, shards, jobs = sys.argv[1], *map(float, sys.argv[2:5]), sys.argv[5], sys.argv[6]
points = [json.load(open(p)) for p in glob.glob(os.path.join(sweep, "points", "*", "point.json"))]
solve = sum(p.get("solve_time_s", 0) for p in points)
schedule = sum(p.get("schedule_time_s", 0) for p in points)
point_wall = sum(p["wall_time_s"] for p in points)
print(f"{len(points)} points ({sum(p['status'] == 'ok' for p in points)} ok), {shards} shard(s) x --jobs {jobs}: "
      f"{wall:.1f} s wall, {len(points) / wall * 3600:.0f} points per hour, "
      f"CPU {user + system:.1f} s")
print(f"summed over layers: scheduling {schedule:.1f} s, of which the MIP solver {solve:.1f} s "
      f"({100 * solve / schedule:.1f}%); summed over points: {point_wall:.1f} s")
PY
