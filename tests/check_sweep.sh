#!/usr/bin/env bash
# `cosa sweep` end to end on tests/data/sweep/small.yaml (6 points: 3 scheduled, 3 with an
# architecture that does not divide): one run, three shards merged, and a resume after deleting one
# point all give the same points.csv; the resume recomputes only the deleted point (every other
# point's files keep their bytes and modification times); a merge with a point missing reports it;
# a re-run with a different spec or mapper into the same folder is refused; an interrupted run exits with 130
# and leaves the interrupted point unfinished; bad specs exit with 2; and
# `cosa sweep slurm` writes its three scripts.
# usage: tests/check_sweep.sh COSA_BINARY
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cosa="$1"
spec="$root/tests/data/sweep/small.yaml"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# Every command is bounded, so that a hang fails this test naming the command instead of running into
# ctest's limit with nothing said; 124 means the bound was hit.
bound=(timeout -k 10 150)
# run EXPECTED_EXIT_CODE LOG COMMAND...
run() {
  local expected="$1" log="$2"
  shift 2
  local code=0
  "${bound[@]}" "$cosa" "$@" >"$log.out" 2>"$log.err" || code=$?
  [ "$code" -eq "$expected" ] || fail "cosa $* exited with $code (expected $expected): $(tail -5 "$log.err")"
}

# --- one run ---------------------------------------------------------------------------------------
run 0 "$work/one" sweep run "$spec" --out "$work/one" --jobs 2
grep -q "shard 0/1: 6 points, 6 run now (3 not ok), 0 finished earlier" "$work/one.err" ||
  fail "unexpected run summary: $(tail -1 "$work/one.err")"
run 0 "$work/one_merge" sweep merge "$work/one"
csv="$work/one/points.csv"
[ "$(wc -l <"$csv")" -eq 7 ] || fail "expected a header and 6 rows in points.csv: $(cat "$csv")"
head -1 "$csv" | grep -qx \
  'id,workload,glb_kib,wb_instances,status,total_cycles,total_energy_pJ,total_edp,pJ_per_mac,unique_layers,failed_layers,pareto,message' ||
  fail "unexpected header: $(head -1 "$csv")"
[ "$(grep -c ',128,ok,[0-9]' "$csv")" -eq 3 ] || fail "expected 3 ok points (wb_instances 128): $(cat "$csv")"
[ "$(grep -c ',96,invalid,' "$csv")" -eq 3 ] || fail "expected 3 invalid points (wb_instances 96): $(cat "$csv")"
grep -q "instances 96 of 'WeightBuffer' do not divide the 128 instances of its child 'AccumulationBuffer'" "$csv" ||
  fail "the invalid points do not say why"
grep -q ',yes,' "$csv" || fail "no point is on the Pareto front"
point="$work/one/points/two_layers-glb_kib64-wb_instances128"
for f in arch.yaml point.json summary.json summary.md; do [ -s "$point/$f" ] || fail "$point/$f missing"; done
ls "$point"/layers/*/stats.json >/dev/null 2>&1 || fail "no per-layer outputs in $point/layers"
grep -q '^ *entries: 65536$' "$point/arch.yaml" || fail "the point's GlobalBuffer is not 64 KiB: $(cat "$point/arch.yaml")"
# The point's architecture file is a normal input: the same network run on it gives the same totals.
run 0 "$work/network" network --arch "$point/arch.yaml" --mapspace "$root/data/mapspace/simba_bypass.yaml" \
  --workload "$root/tests/data/sweep/two_layers" --out "$work/network"
cycles="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total_cycles"])' "$work/network/summary.json")"
grep -q "^two_layers-glb_kib64-wb_instances128,two_layers,64,128,ok,$cycles," "$csv" ||
  fail "cosa network on the point's arch.yaml gives $cycles cycles, points.csv says otherwise"

# --- three shards, run one after another into one folder ---------------------------------------------
for shard in 0 1 2; do
  run 0 "$work/shard$shard" sweep run "$spec" --out "$work/three" --shard "$shard/3"
  grep -q "shard $shard/3: 2 points, 2 run now" "$work/shard$shard.err" || fail "shard $shard/3 did not run 2 points"
done
run 0 "$work/three_merge" sweep merge "$work/three"
cmp "$csv" "$work/three/points.csv" || fail "three shards differ from one run: $(diff "$csv" "$work/three/points.csv")"

# --- resume after deleting one point -----------------------------------------------------------------
deleted="two_layers-glb_kib32-wb_instances128"
rm -rf "$work/one/points/$deleted"
# Every other point's files, with their modification times, before the resume.
snapshot() { (cd "$work/one/points" && find . -path "./$deleted" -prune -o -type f -printf '%p %T@ %s\n' | sort); }
snapshot >"$work/before_resume"
run 1 "$work/missing_merge" sweep merge "$work/one"
grep -q "^$deleted,two_layers,32,128,missing," "$work/one/points.csv" || fail "the deleted point is not listed as missing"
grep -q "incomplete: 1 of 6 points" "$work/missing_merge.err" || fail "merge did not report the missing point"
run 0 "$work/resume" sweep run "$spec" --out "$work/one" --jobs 2
grep -q "shard 0/1: 6 points, 1 run now (0 not ok), 5 finished earlier" "$work/resume.err" ||
  fail "the resume did not run exactly the deleted point: $(tail -1 "$work/resume.err")"
snapshot >"$work/after_resume"
cmp "$work/before_resume" "$work/after_resume" || fail "the resume touched other points' files"
[ -s "$work/one/points/$deleted/point.json" ] || fail "the resume did not recompute $deleted"
run 0 "$work/resume_merge" sweep merge "$work/one"
cmp "$csv" "$work/three/points.csv" || fail "the resumed sweep differs: $(diff "$csv" "$work/three/points.csv")"

# --- a different sweep into the same folder is refused ----------------------------------------------
sed 's/values: \[32, 64, 128\]/values: [32, 64]/' "$spec" >"$work/other.yaml"
sed -i "s#\.\./\.\./\.\./#$root/#; s#workload: two_layers#workload: $root/tests/data/sweep/two_layers#" "$work/other.yaml"
run 2 "$work/other" sweep run "$work/other.yaml" --out "$work/one"
grep -q "describes a different sweep" "$work/other.err" || fail "no clear message for a different sweep"
# ... and so is the same spec with another mapper (sweep.json records it); an unknown one is bad input.
run 2 "$work/other_mapper" sweep run "$spec" --out "$work/one" --mapper random
grep -q "describes a different sweep" "$work/other_mapper.err" || fail "a resume with another mapper was not refused"
run 2 "$work/bad_mapper" sweep run "$spec" --out "$work/bad" --mapper annealing
grep -q "unknown mapper 'annealing'" "$work/bad_mapper.err" || fail "unknown --mapper not explained: $(cat "$work/bad_mapper.err")"

# --- an ONNX workload (a 3x3 Conv, a Relu and a 3-D Conv that are skipped; fixed batch), no parameters --
cp "$root/tests/data/onnx/tiny_conv_relu_conv3d.onnx" "$work/tiny.onnx"
printf 'architecture: %s\nmapspace: %s\nworkloads: [{onnx: tiny.onnx, batch: 2}]\n' "$root/data/arch/simba.yaml" \
  "$root/data/mapspace/simba_bypass.yaml" >"$work/onnx.yaml"
run 0 "$work/onnx" sweep run "$work/onnx.yaml" --out "$work/onnx"
run 0 "$work/onnx_merge" sweep merge "$work/onnx"
grep -q '^tiny,tiny,ok,[0-9]' "$work/onnx/points.csv" || fail "the ONNX point did not run: $(cat "$work/onnx/points.csv")"
grep -q '"onnx": ".*tiny.onnx"' "$work/onnx/points/tiny/summary.json" || fail "the ONNX point's summary does not name the model"
grep -q '"skipped_operators"' "$work/onnx/points/tiny/summary.json" || fail "the ONNX point's summary lists no skipped operators"

# --- an interrupted run keeps finished points only; the interrupted point has no point.json ------------
cat >"$work/long.yaml" <<EOF
architecture: $root/data/arch/simba.yaml
mapspace: $root/data/mapspace/simba_bypass.yaml
workloads: [{network: resnet50}]
parameters: [{name: glb_kib, values: [32, 64], set: [{level: GlobalBuffer, attribute: entries, times: 1024}]}]
EOF
# timeout forwards the SIGINT; without -k (which would arm a SIGKILL 10 s after forwarding it, while
# the layers in progress may take longer under a sanitizer), and a plain SIGKILL at the bound.
timeout -s KILL 150 "$cosa" sweep run "$work/long.yaml" --out "$work/long" >/dev/null 2>"$work/long.err" &
sweep_pid=$!
# SIGINT once the first point has started (its architecture is written first); ResNet-50 takes seconds.
for _ in $(seq 1 300); do
  [ -f "$work/long/points/resnet50-glb_kib32/arch.yaml" ] && break
  sleep 0.1
done
[ -f "$work/long/points/resnet50-glb_kib32/arch.yaml" ] || fail "the first point did not start within 30 s"
kill -INT "$sweep_pid"
code=0
wait "$sweep_pid" || code=$?
[ "$code" -eq 130 ] || fail "an interrupted sweep exited with $code (expected 130; 137: it ran on after SIGINT for the 150 s bound): $(tail -3 "$work/long.err")"
grep -q "interrupted; finished points are kept" "$work/long.err" || fail "no message after the interrupt"
[ ! -e "$work/long/points/resnet50-glb_kib32/point.json" ] || fail "the interrupted point was marked finished"
run 1 "$work/long_merge" sweep merge "$work/long"
[ "$(grep -c ',missing,' "$work/long/points.csv")" -eq 2 ] || fail "the unfinished points are not listed as missing"

# --- bad input -------------------------------------------------------------------------------------
sed 's/level: GlobalBuffer/level: GlobalBufer/' "$spec" >"$work/bad_level.yaml"
sed -i "s#\.\./\.\./\.\./#$root/#; s#workload: two_layers#workload: $root/tests/data/sweep/two_layers#" "$work/bad_level.yaml"
run 2 "$work/bad_level" sweep run "$work/bad_level.yaml" --out "$work/bad"
grep -q "bad_level.yaml:[0-9]*:[0-9]*: .*no level 'GlobalBufer'" "$work/bad_level.err" ||
  fail "unknown level not reported with file and position: $(cat "$work/bad_level.err")"
run 2 "$work/bad_shard" sweep run "$spec" --out "$work/bad" --shard 3/3
grep -q "need 0 <= index < count" "$work/bad_shard.err" || fail "bad shard not explained: $(cat "$work/bad_shard.err")"
run 2 "$work/no_slurm" sweep run "$spec" --out "$work/bad" --shard slurm
grep -q "SLURM_ARRAY_TASK_ID" "$work/no_slurm.err" || fail "--shard slurm outside Slurm not explained"

# --- cosa sweep slurm writes the array job, the merge job and the submit script --------------------
run 0 "$work/slurm" sweep slurm "$spec" --out "$work/slurm" --array 4 --partition short --time 01:00:00 \
  --cpus-per-task 2 --sbatch=--qos=low
s="$work/slurm/sweep.sbatch"
for line in '#SBATCH --array=0-3' '#SBATCH --partition=short' '#SBATCH --time=01:00:00' '#SBATCH --cpus-per-task=2' \
  '#SBATCH --qos=low'; do
  grep -qx -- "$line" "$s" || fail "sweep.sbatch lacks '$line'"
done
grep -q "sweep run '$spec' --out '$work/slurm' --shard slurm" "$s" || fail "sweep.sbatch does not run the shards"
grep -q "sweep merge '$work/slurm'" "$work/slurm/merge.sbatch" || fail "merge.sbatch does not merge"
grep -q -- '--dependency=afterany:' "$work/slurm/submit.sh" || fail "submit.sh does not make the merge depend on the array"
bash -n "$work/slurm/submit.sh" && bash -n "$s" || fail "the scripts are not valid bash"
# The array job's shards, as Slurm would start them (task ids 0..3 of 4), then the merge job.
for task in 0 1 2 3; do
  SLURM_ARRAY_TASK_ID=$task SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=0 SLURM_CPUS_PER_TASK=1 "${bound[@]}" bash "$s" \
    >/dev/null 2>"$work/task$task.err" || fail "array task $task failed: $(tail -3 "$work/task$task.err")"
done
"${bound[@]}" bash "$work/slurm/merge.sbatch" >/dev/null 2>&1 || fail "the merge job failed"
cmp "$csv" "$work/slurm/points.csv" || fail "the Slurm scripts' points.csv differs from one run"
# --mapper on cosa sweep slurm: the plan names the mapper and the shards get it.
run 0 "$work/slurm_random" sweep slurm "$spec" --out "$work/slurm_random" --array 2 --mapper random
grep -q "\-\-shard slurm --jobs .* --mapper 'random'$" "$work/slurm_random/sweep.sbatch" ||
  fail "sweep.sbatch does not pass --mapper on: $(grep exec "$work/slurm_random/sweep.sbatch")"
grep -q '"mapper": "random"' "$work/slurm_random/sweep.json" || fail "the Slurm plan does not name the mapper"
echo "ok: one run, three shards, a resume and the Slurm scripts give the same points.csv"
