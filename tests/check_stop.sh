#!/usr/bin/env bash
# Ctrl-C inside a solve: `cosa network` on tests/data/slow_network (two quick layers, then a layer
# whose MIPs take their whole time limit, one of them in CBC's root LP) gets SIGINT while the slow
# layer solves, and must exit with 130 within a few seconds, with the finished layers' outputs
# written, the slow layer reported as interrupted and summary.json saying `complete: false`; and
# `cosa schedule` on the slow layer alone exits with 130 and writes nothing.
# usage: tests/check_stop.sh COSA_BINARY
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cosa="$1"
arch="$root/data/arch/simba.yaml"
mapspace="$root/data/mapspace/simba_bypass.yaml"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# How long a stopped run may take to exit: generous for the sanitizer build on a loaded machine.
# Without the stop inside solves, the slow layer alone runs for a minute (--time-limit 60).
latency_bound=10
now() { date +%s.%N; }

# interrupt_after FILE COMMAND...: runs COMMAND (bounded by a SIGKILL at 150 s), sends it SIGINT
# once FILE exists and half a second more has passed (the slow layer is then solving), and sets
# `code` and `latency` (seconds from the SIGINT to the exit).
interrupt_after() {
  local file="$1"
  shift
  timeout -s KILL 150 "$@" &
  local pid=$!
  for _ in $(seq 1 1200); do
    [ -e "$file" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -e "$file" ] || fail "$file did not appear within 120 s"
  sleep 0.5
  kill -0 "$pid" 2>/dev/null || fail "the run ended before the interrupt (too fast to test)"
  local sent
  sent="$(now)"
  kill -INT "$pid"
  code=0
  wait "$pid" || code=$?
  latency="$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$sent" "$(now)")"
}

# --- cosa network: the finished layers stay written, the summary is marked incomplete ---------------
out="$work/network"
interrupt_after "$out/layers/conv1x1/stats.json" \
  "$cosa" network --arch "$arch" --mapspace "$mapspace" --workload "$root/tests/data/slow_network" \
  --jobs 1 --time-limit 60 --out "$out" >"$work/network.out" 2>"$work/network.err"
[ "$code" -eq 130 ] || fail "an interrupted network exited with $code (expected 130; 137: it ran on for the 150 s bound): $(tail -3 "$work/network.err")"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$latency" "$latency_bound" ||
  fail "cosa network took $latency s to stop after SIGINT (bound $latency_bound s)"
echo "cosa network stopped $latency s after SIGINT"
grep -q "interrupted; wrote the layers that finished" "$work/network.err" || fail "no message after the interrupt"
for layer in conv3x3 conv1x1; do
  for f in mapping.yaml stats.json; do [ -s "$out/layers/$layer/$f" ] || fail "$out/layers/$layer/$f missing"; done
done
[ ! -e "$out/layers/convnext_dw7x7" ] || fail "the interrupted layer's outputs were written"
python3 - "$out/summary.json" <<'PY' || fail "unexpected summary.json: $(cat "$out/summary.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["complete"] is False, s["complete"]
layers = {l["layer"]: l for l in s["per_layer"]}
assert layers["conv3x3"]["found"] and layers["conv1x1"]["found"], layers
slow = layers["convnext_dw7x7"]
assert not slow["found"] and "interrupted" in slow["message"], slow
assert s["failed_layers"] == 1, s["failed_layers"]
PY
grep -q "Incomplete: interrupted" "$out/summary.md" || fail "summary.md does not say the run is incomplete"

# --- cosa schedule: stops inside the solve and writes nothing ------------------------------------------
out="$work/schedule"
mkdir -p "$out"
touch "$work/started"
interrupt_after "$work/started" \
  "$cosa" schedule --arch "$arch" --mapspace "$mapspace" --problem "$root/tests/data/problem/convnext_dw7x7.yaml" \
  --time-limit 60 --out "$out" >"$work/schedule.out" 2>"$work/schedule.err"
[ "$code" -eq 130 ] || fail "an interrupted schedule exited with $code (expected 130): $(tail -3 "$work/schedule.err")"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$latency" "$latency_bound" ||
  fail "cosa schedule took $latency s to stop after SIGINT (bound $latency_bound s)"
echo "cosa schedule stopped $latency s after SIGINT"
grep -q "interrupted; nothing written" "$work/schedule.err" || fail "no message after the interrupt: $(cat "$work/schedule.err")"
[ ! -e "$out/mapping.yaml" ] || fail "an interrupted schedule wrote mapping.yaml"
echo "check_stop: ok"
