#!/usr/bin/env bash
# Checks every JSON file cosa writes against its documented schema (docs/schema/*.schema.json,
# described in docs/results-schema.md): `evaluate --json` on every Timeloop reference case (valid
# and invalid mappings), `schedule`'s stats.json, `network`'s summary.json and per-layer stats.json
# (a small workload folder, a run where no layer can be scheduled, an interrupted run and an ONNX
# import), `compare`'s results.json and per-run stats.json, and a sweep's spec (YAML), sweep.json
# and point.json files. Then it breaks copies of real
# outputs (a missing required field, unknown fields, a wrong enum value, a NaN) and checks that
# each is rejected, so the test cannot pass vacuously.
# Needs Debian's python3-jsonschema (scripts/setup.sh installs it) for /usr/bin/python3; fails,
# rather than skips, without it.
# usage: tests/check_result_schemas.sh COSA_BINARY
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cosa="$1"
python=/usr/bin/python3
schemas="$root/docs/schema"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
[ -x "$python" ] || fail "$python not found; this test needs Debian's python3 and python3-jsonschema"
"$python" -c 'import jsonschema' 2>/dev/null ||
  fail "python3-jsonschema is missing for $python: install Debian's python3-jsonschema (scripts/setup.sh does)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# validate [--expect-invalid] SCHEMA[#FRAGMENT] FILE...
validate() {
  local flag=()
  if [ "$1" = "--expect-invalid" ]; then
    flag=(--expect-invalid)
    shift
  fi
  local target="$1"
  shift
  [ "$#" -gt 0 ] || fail "no file to check against $target"
  "$python" "$root/tests/validate_json_schema.py" "${flag[@]}" "$schemas" "$target" "$@" ||
    fail "schema check against $target failed (see above)"
}

# run EXPECTED_EXIT_CODE LOG COMMAND...: runs cosa, checks its exit code.
run() {
  local expected="$1" log="$2"
  shift 2
  local code=0
  "$cosa" "$@" >"$log.out" 2>"$log.err" || code=$?
  [ "$code" -eq "$expected" ] ||
    fail "cosa $* exited with $code (expected $expected): $(tail -5 "$log.err")"
}

simba="$root/data/arch/simba.yaml"
bypass="$root/data/mapspace/simba_bypass.yaml"

# The schemas themselves: valid draft 2020-12, and every property described.
"$python" "$root/tests/validate_json_schema.py" --lint "$schemas" || fail "the schemas do not pass the lint"

# --- evaluate --json: every reference case, valid and invalid mappings ---------------------------
mkdir -p "$work/evaluate"
valid=0
invalid=0
for case_dir in "$root"/tests/data/timeloop-model/visible/case-*/; do
  name="$(basename "$case_dir")"
  out="$work/evaluate/$name.json"
  code=0
  "$cosa" evaluate --json --arch "$case_dir/arch.yaml" --problem "$case_dir/problem.yaml" \
    --mapping "$case_dir/map.yaml" >"$out" 2>/dev/null || code=$?
  case "$code" in
    0) valid=$((valid + 1)) ;;
    1) invalid=$((invalid + 1)) ;;
    *) fail "cosa evaluate --json on $name exited with $code" ;;
  esac
done
# A factor product that does not match the bound (an error while reading the mapping).
sed '0,/R=7/s//R=5/' "$root/data/mappings/simba_resnet50_conv1.yaml" >"$work/bad_product.yaml"
cmp -s "$work/bad_product.yaml" "$root/data/mappings/simba_resnet50_conv1.yaml" &&
  fail "could not make a mapping with a wrong factor product (data/mappings/simba_resnet50_conv1.yaml changed?)"
run 1 "$work/bad_product" evaluate --json --arch "$simba" --problem "$root/data/problems/resnet50_conv1.yaml" \
  --mapping "$work/bad_product.yaml"
cp "$work/bad_product.out" "$work/evaluate/bad_product.json"
invalid=$((invalid + 1))
run 0 "$work/conv1" evaluate --json --arch "$simba" --problem "$root/data/problems/resnet50_conv1.yaml" \
  --mapping "$root/data/mappings/simba_resnet50_conv1.yaml"
cp "$work/conv1.out" "$work/evaluate/conv1.json"
valid=$((valid + 1))
[ "$valid" -ge 2 ] && [ "$invalid" -ge 2 ] ||
  fail "expected valid and invalid mappings among the evaluate runs ($valid valid, $invalid invalid)"
echo "evaluate: $valid valid and $invalid invalid mappings"
validate evaluation.schema.json "$work"/evaluate/*.json

# --- schedule: stats.json -------------------------------------------------------------------------
# Two layers, one of them twice; a third that no mapping fits without the bypass constraints.
mkdir -p "$work/workload"
echo "problem: {shape: cnn-layer, R: 3, S: 3, P: 14, Q: 14, C: 32, K: 64, N: 1}" >"$work/workload/a.yaml"
echo "problem: {shape: cnn-layer, R: 1, S: 1, P: 7, Q: 7, C: 64, K: 128, N: 1}" >"$work/workload/b.yaml"
cp "$work/workload/b.yaml" "$work/workload/c.yaml"
printf -- '- a\n- b\n- c\n' >"$work/workload/layers.yaml"
run 0 "$work/schedule" schedule --arch "$simba" --mapspace "$bypass" --problem "$work/workload/a.yaml" \
  --out "$work/schedule"
# No time for the MIP: the schedule comes from the sampling fallback, and the solver's infinite
# objective and gap are written as null (not as its internal 1e30).
run 0 "$work/schedule_fallback" schedule --arch "$simba" --mapspace "$bypass" --problem "$work/workload/a.yaml" \
  --time-limit 0 --out "$work/schedule_fallback"
grep -q '"from_fallback": true' "$work/schedule_fallback/stats.json" || fail "expected a schedule from the fallback"
grep -q '"objective": null' "$work/schedule_fallback/stats.json" || fail "an infinite MIP objective is not null"
validate schedule-stats.schema.json "$work/schedule/stats.json" "$work/schedule_fallback/stats.json"
# The same with the GLPK backend, when cosa is built with it (its --backend help lists it).
if "$cosa" schedule --help | grep -q glpk; then
  run 0 "$work/schedule_glpk" schedule --backend glpk --arch "$simba" --mapspace "$bypass" \
    --problem "$work/workload/a.yaml" --out "$work/schedule_glpk"
  run 0 "$work/schedule_glpk_fallback" schedule --backend glpk --arch "$simba" --mapspace "$bypass" \
    --problem "$work/workload/a.yaml" --time-limit 0 --out "$work/schedule_glpk_fallback"
  grep -q '"backend": "glpk"' "$work/schedule_glpk/stats.json" || fail "stats.json does not name the glpk backend"
  grep -q '"from_fallback": true' "$work/schedule_glpk_fallback/stats.json" ||
    fail "expected a schedule from the fallback with glpk and no time"
  validate schedule-stats.schema.json "$work/schedule_glpk/stats.json" "$work/schedule_glpk_fallback/stats.json"
fi

# --- network: summary.json and each layer's stats.json ---------------------------------------------
specs=(--arch "$simba" --mapspace "$bypass" --workload "$work/workload")
run 0 "$work/network" network "${specs[@]}" --out "$work/network" --jobs 2
validate network-summary.schema.json "$work/network/summary.json"
validate schedule-stats.schema.json "$work"/network/layers/*/stats.json
# A search mapper (--mapper): the same summary; each layer's stats.json is a search run's.
for mapper in random hybrid; do
  run 0 "$work/network_$mapper" network "${specs[@]}" --mapper "$mapper" --search-size 200 --seed 1 \
    --out "$work/network_$mapper"
  validate network-summary.schema.json "$work/network_$mapper/summary.json"
  validate 'compare-results.schema.json#/$defs/runStats' "$work/network_$mapper"/layers/*/stats.json
done
# With Registers pinned to keep every data space, simba's 1-word Registers hold none of the layers
# (found = false with a message; exit code 1).
printf 'mapspace:\n  constraints:\n  - {target: Registers, type: bypass, keep: [Weights, Inputs, Outputs]}\n' \
  >"$work/keep_all.yaml"
run 1 "$work/network_failed" network --arch "$simba" --mapspace "$work/keep_all.yaml" --workload "$work/workload" \
  --out "$work/network_failed"
validate network-summary.schema.json "$work/network_failed/summary.json"
# Interrupted (SIGINT after 2 s; ResNet-50 takes much longer): complete = false, layers not run.
code=0
timeout --preserve-status -s INT 2 "$cosa" network --arch "$simba" --mapspace "$bypass" --network resnet50 \
  --jobs 1 --out "$work/network_interrupted" >/dev/null 2>"$work/network_interrupted.err" || code=$?
[ "$code" -eq 130 ] || fail "interrupted cosa network exited with $code (expected 130)"
grep -q '"complete": false' "$work/network_interrupted/summary.json" || fail "interrupted summary not marked incomplete"
grep -q 'not run: interrupted' "$work/network_interrupted/summary.json" || fail "interrupted summary has no layer not run"
validate network-summary.schema.json "$work/network_interrupted/summary.json"
# From ONNX (onnx, skipped_operators, import_warnings): a 3x3 Conv, a Relu (skipped) and a 3-D Conv
# (not importable: listed in not_imported, with a warning; the run is incomplete and exits 1
# without --allow-partial).
cp "$root/tests/data/onnx/tiny_conv_relu_conv3d.onnx" "$work/tiny.onnx"
run 1 "$work/network_onnx" network --arch "$simba" --mapspace "$bypass" --onnx "$work/tiny.onnx" \
  --out "$work/network_onnx"
grep -q '"complete": false' "$work/network_onnx/summary.json" || fail "the partial ONNX import is not marked incomplete"
run 0 "$work/network_onnx" network --arch "$simba" --mapspace "$bypass" --onnx "$work/tiny.onnx" \
  --allow-partial --out "$work/network_onnx"
grep -q '"import_warnings"' "$work/network_onnx/summary.json" || fail "the ONNX summary has no import_warnings"
grep -q '"not_imported"' "$work/network_onnx/summary.json" || fail "the ONNX summary has no not_imported"
grep -q 'conv3d (Conv): 3-D convolution' "$work/network_onnx/report.html" ||
  fail "the report does not list the compute node that is not a layer"
grep -q 'Compute nodes not imported' "$work/network_onnx/summary.md" || fail "summary.md does not list it either"
validate network-summary.schema.json "$work/network_onnx/summary.json"
validate schedule-stats.schema.json "$work"/network_onnx/layers/*/stats.json

# --- compare: results.json and each run's stats.json ------------------------------------------------
run 0 "$work/compare" compare "${specs[@]}" --mappers cosa,random --out "$work/compare"
validate compare-results.schema.json "$work/compare/results.json"
validate 'compare-results.schema.json#/$defs/runStats' "$work"/compare/mappings/*/*.stats.json
# With Registers pinned to keep every data space, no run finds a mapping (found = false with a message).
run 0 "$work/compare_failed" compare --arch "$simba" --mapspace "$work/keep_all.yaml" --workload "$work/workload" --mappers cosa,random \
  --random-valid 1 --out "$work/compare_failed"
grep -q '"found": false' "$work/compare_failed/results.json" || fail "expected runs without a mapping"
validate compare-results.schema.json "$work/compare_failed/results.json"

# --- sweep: the spec (YAML, as the JSON it loads to), sweep.json and every point.json --------------
# tests/data/sweep/small.yaml has ok and invalid points; the same sweep with Registers pinned to keep
# every data space has failed points (no layer fits simba's 1-word Registers).
yaml_to_json() {
  "$python" -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2], "w"), indent=2)' "$1" "$2" ||
    fail "could not convert $1 to JSON (python3-yaml missing? scripts/setup.sh installs it)"
}
mkdir -p "$work/specs"
yaml_to_json "$root/tests/data/sweep/small.yaml" "$work/specs/small.json"
yaml_to_json "$root/examples/sweeps/simba_pe_glb.yaml" "$work/specs/simba_pe_glb.json"
validate sweep-spec.schema.json "$work"/specs/*.json
run 0 "$work/sweep" sweep run "$root/tests/data/sweep/small.yaml" --out "$work/sweep" --jobs 2
grep -q '"status": "invalid"' "$work"/sweep/points/*/point.json || fail "expected invalid points in the sweep"
grep -v '^mapspace:' "$root/tests/data/sweep/small.yaml" | sed "1i mapspace: $work/keep_all.yaml" |
  sed "s#\.\./\.\./\.\./#$root/#; s#workload: two_layers#workload: $root/tests/data/sweep/two_layers#" >"$work/specs/no_bypass.yaml"
run 0 "$work/sweep_failed" sweep run "$work/specs/no_bypass.yaml" --out "$work/sweep_failed"
grep -q '"status": "failed"' "$work"/sweep_failed/points/*/point.json || fail "expected failed points with every data space kept at Registers"
validate sweep-plan.schema.json "$work/sweep/sweep.json" "$work/sweep_failed/sweep.json"
validate sweep-point.schema.json "$work"/sweep/points/*/point.json "$work"/sweep_failed/points/*/point.json
validate network-summary.schema.json "$work"/sweep/points/*/summary.json
# The same sweep with the search mappers: the spec's scheduler.mapper (random, with every search
# setting) and --mapper hybrid in place of it.
sed "s#\.\./\.\./\.\./#$root/#; s#workload: two_layers#workload: $root/tests/data/sweep/two_layers#" \
  "$root/tests/data/sweep/small.yaml" | grep -v '^scheduler:\|^  time-limit:' >"$work/specs/mappers.yaml"
printf 'scheduler:\n  mapper: random\n  seed: 3\n  random-valid: 2\n  search-size: 40\n  victory-condition: 10\n  hybrid-sampling: fanout-valid\n  hybrid-threads: 1\n  max-evaluations: 100\n' >>"$work/specs/mappers.yaml"
yaml_to_json "$work/specs/mappers.yaml" "$work/specs/mappers.json"
validate sweep-spec.schema.json "$work/specs/mappers.json"
run 0 "$work/sweep_random" sweep run "$work/specs/mappers.yaml" --out "$work/sweep_random"
run 0 "$work/sweep_hybrid" sweep run "$work/specs/mappers.yaml" --out "$work/sweep_hybrid" --mapper hybrid
grep -q '"mapper": "random"' "$work/sweep_random/sweep.json" || fail "sweep.json does not name the random mapper"
grep -q '"mapper": "hybrid"' "$work"/sweep_hybrid/points/*/point.json || fail "point.json does not name the hybrid mapper"
grep -q '"status": "ok"' "$work"/sweep_random/points/*/point.json || fail "expected ok points with the random mapper"
validate sweep-plan.schema.json "$work/sweep_random/sweep.json" "$work/sweep_hybrid/sweep.json"
validate sweep-point.schema.json "$work"/sweep_random/points/*/point.json "$work"/sweep_hybrid/points/*/point.json
validate network-summary.schema.json "$work"/sweep_random/points/*/summary.json

# --- negative checks: broken copies of real outputs must be rejected ---------------------------------
mkdir -p "$work/broken"
# break IN OUT PYTHON_STATEMENT: loads IN as `d`, runs the statement, writes OUT.
break_copy() {
  "$python" - "$1" "$2" "$3" <<'PY' || fail "could not write $2"
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
exec(sys.argv[3])
with open(sys.argv[2], "w") as f:
    json.dump(d, f, indent=2)
PY
}
valid_eval="$work/evaluate/conv1.json"
break_copy "$valid_eval" "$work/broken/eval_missing_cycles.json" 'del d["cycles"]'
break_copy "$valid_eval" "$work/broken/eval_unknown_field.json" 'd["cycles_estimate"] = 1'
break_copy "$valid_eval" "$work/broken/eval_unknown_dataspace_field.json" \
  'next(iter(d["levels"][0]["dataspaces"].values()))["reads"] = 1'
break_copy "$valid_eval" "$work/broken/eval_cycles_as_string.json" 'd["cycles"] = str(d["cycles"])'
break_copy "$work/evaluate/bad_product.json" "$work/broken/eval_invalid_with_stats.json" 'd["cycles"] = 1'
sed 's/"utilization": [0-9.e+-]*/"utilization": NaN/' "$valid_eval" >"$work/broken/eval_nan.json"
grep -q '"utilization": NaN' "$work/broken/eval_nan.json" || fail "could not write a NaN"
validate --expect-invalid evaluation.schema.json "$work"/broken/eval_*.json

stats="$work/schedule/stats.json"
break_copy "$stats" "$work/broken/stats_missing_solver.json" 'del d["solver"]'
break_copy "$stats" "$work/broken/stats_unknown_field.json" 'd["mapper"] = "cosa"'
break_copy "$stats" "$work/broken/stats_bad_status.json" 'd["solver"]["status"] = "done"'
break_copy "$stats" "$work/broken/stats_invalid.json" 'd["valid"] = False'
validate --expect-invalid schedule-stats.schema.json "$work"/broken/stats_*.json

summary="$work/network/summary.json"
break_copy "$summary" "$work/broken/summary_found_without_cycles.json" 'del d["per_layer"][0]["cycles"]'
break_copy "$summary" "$work/broken/summary_found_with_message.json" 'd["per_layer"][0]["message"] = "x"'
break_copy "$summary" "$work/broken/summary_unknown_field.json" 'd["total_latency"] = 1'
break_copy "$summary" "$work/broken/summary_bad_objective.json" 'd["objective"] = "throughput"'
break_copy "$summary" "$work/broken/summary_onnx_alone.json" 'd["onnx"] = "x.onnx"'
validate --expect-invalid network-summary.schema.json "$work"/broken/summary_*.json

results="$work/compare/results.json"
break_copy "$results" "$work/broken/results_missing_mapper.json" 'del d["networks"][0]["results"][0]["mapper"]'
break_copy "$results" "$work/broken/results_zero_count.json" 'd["networks"][0]["results"][0]["count"] = 0'
break_copy "$results" "$work/broken/results_unknown_field.json" 'd["networks"][0]["layers"] = []'
validate --expect-invalid compare-results.schema.json "$work"/broken/results_*.json
run_stats=("$work"/compare/mappings/*/*.stats.json)
break_copy "${run_stats[0]}" "$work/broken/runstats_missing_samples.json" 'del d["samples"]'
break_copy "${run_stats[0]}" "$work/broken/runstats_unknown_field.json" 'd["roofline"] = 1'
validate --expect-invalid 'compare-results.schema.json#/$defs/runStats' "$work"/broken/runstats_*.json

spec_json="$work/specs/small.json"
break_copy "$spec_json" "$work/broken/spec_unknown_key.json" 'd["jobs"] = 2'
break_copy "$spec_json" "$work/broken/spec_no_workloads.json" 'del d["workloads"]'
break_copy "$spec_json" "$work/broken/spec_values_and_range.json" 'd["parameters"][0]["range"] = {"from": 1, "to": 2, "step": 1}'
break_copy "$spec_json" "$work/broken/spec_bad_attribute.json" 'd["parameters"][0]["set"][0]["attribute"] = "size"'
break_copy "$spec_json" "$work/broken/spec_bad_name.json" 'd["parameters"][0]["name"] = "glb kib"'
validate --expect-invalid sweep-spec.schema.json "$work"/broken/spec_*.json
ok_point="$(grep -l '"status": "ok"' "$work"/sweep/points/*/point.json | head -1)"
invalid_point="$(grep -l '"status": "invalid"' "$work"/sweep/points/*/point.json | head -1)"
break_copy "$ok_point" "$work/broken/point_ok_without_cycles.json" 'del d["total_cycles"]'
break_copy "$ok_point" "$work/broken/point_ok_with_message.json" 'd["message"] = "x"'
break_copy "$ok_point" "$work/broken/point_bad_status.json" 'd["status"] = "done"'
break_copy "$invalid_point" "$work/broken/point_invalid_with_cycles.json" 'd["total_cycles"] = 1'
break_copy "$invalid_point" "$work/broken/point_invalid_without_message.json" 'del d["message"]'
validate --expect-invalid sweep-point.schema.json "$work"/broken/point_*.json
break_copy "$work/sweep/sweep.json" "$work/broken/plan_missing_points.json" 'del d["points"]'
break_copy "$work/sweep/sweep.json" "$work/broken/plan_bad_combine.json" 'd["combine"] = "cross"'
break_copy "$work/sweep_random/sweep.json" "$work/broken/plan_mapper_without_settings.json" 'del d["mapper_settings"]'
break_copy "$work/sweep_random/sweep.json" "$work/broken/plan_unknown_mapper.json" 'd["mapper"] = "annealing"'
break_copy "$work/sweep/sweep.json" "$work/broken/plan_settings_without_mapper.json" 'd["mapper_settings"] = {"valid_target": 5}'
validate --expect-invalid sweep-plan.schema.json "$work"/broken/plan_*.json

echo "ok: every output matches its schema, and every broken copy is rejected"
