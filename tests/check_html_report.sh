#!/usr/bin/env bash
# Loads the HTML reports of a small `cosa network` run, a `cosa compare` run, a `cosa report`
# regeneration and a `cosa sweep merge` in headless Chromium, and checks from the DOM Chromium dumps that each page ran
# without script errors or blocked loads (the page records them on <html data-js-errors>) and
# drew every chart (its load script sets data-report-status="ok" once all are present).
# usage: tests/check_html_report.sh COSA_BINARY   (CHROMIUM overrides /usr/bin/chromium)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cosa="$1"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "FAIL: $chromium not found; this test needs Debian's chromium package (scripts/setup.sh installs it)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Two layers, one of them twice.
mkdir -p "$work/workload"
echo "problem: {shape: cnn-layer, R: 3, S: 3, P: 14, Q: 14, C: 32, K: 64, N: 1}" >"$work/workload/a.yaml"
echo "problem: {shape: cnn-layer, R: 1, S: 1, P: 7, Q: 7, C: 64, K: 128, N: 1}" >"$work/workload/b.yaml"
cp "$work/workload/b.yaml" "$work/workload/c.yaml"
printf -- '- a\n- b\n- c\n' >"$work/workload/layers.yaml"
specs=(--arch "$root/data/arch/simba.yaml" --mapspace "$root/data/mapspace/simba_bypass.yaml"
  --workload "$work/workload")
"$cosa" network "${specs[@]}" --out "$work/network" >/dev/null 2>"$work/network.log" ||
  fail "cosa network failed: $(cat "$work/network.log")"
"$cosa" compare "${specs[@]}" --mappers cosa,random --out "$work/compare" >/dev/null 2>"$work/compare.log" ||
  fail "cosa compare failed: $(cat "$work/compare.log")"
"$cosa" report "$work/network" --out "$work/regenerated.html" >/dev/null || fail "cosa report failed"

check() {
  local html="$1" name="$2"
  [ -s "$html" ] || fail "$html missing or empty"
  local dom="$work/$name.dom"
  # A fresh profile each time; no network features (the page must need none).
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile-$name" --dump-dom "file://$html" >"$dom" 2>"$work/$name.chromium.log" ||
    fail "chromium could not load $html: $(tail -5 "$work/$name.chromium.log")"
  [ -s "$dom" ] || fail "chromium dumped no DOM for $html"
  if grep -q 'data-js-errors=' "$dom"; then
    fail "$name: errors while loading: $(grep -o 'data-js-errors="[^"]*"' "$dom")"
  fi
  grep -q 'data-report-status="ok"' "$dom" ||
    fail "$name: the load check did not pass: $(grep -o '<html[^>]*>' "$dom" | head -1)"
  grep -q 'data-chart-count="4"' "$dom" || fail "$name: expected 4 charts"
  local id
  for id in chart-latency-0 chart-energy-0 chart-breakdown-total-0 chart-breakdown-layers-0; do
    grep -q "<svg class=\"chart\" id=\"$id\"" "$dom" || fail "$name: no chart $id"
  done
  grep -q '<rect class="bar"' "$dom" || fail "$name: no bars"
  grep -q '<rect class="seg"' "$dom" || fail "$name: no breakdown segments"
  grep -q '<pre class="loopnest">DRAM \[' "$dom" || fail "$name: no loop nest"
  echo "ok: $name"
}

check "$work/network/report.html" network
check "$work/compare/report.html" compare
check "$work/regenerated.html" regenerated

# The sweep report (cosa sweep merge): one scatter per workload with its Pareto front drawn, and the
# hover handler showing a point's parameters (the page runs it once on the first Pareto point).
"$cosa" sweep run "$root/tests/data/sweep/small.yaml" --out "$work/sweep" >/dev/null 2>"$work/sweep.log" ||
  fail "cosa sweep run failed: $(cat "$work/sweep.log")"
"$cosa" sweep merge "$work/sweep" >/dev/null || fail "cosa sweep merge failed"
dom="$work/sweep.dom"
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile-sweep" --dump-dom "file://$work/sweep/report.html" >"$dom" 2>"$work/sweep.chromium.log" ||
  fail "chromium could not load the sweep report: $(tail -5 "$work/sweep.chromium.log")"
if grep -q 'data-js-errors=' "$dom"; then fail "sweep: errors while loading: $(grep -o 'data-js-errors="[^"]*"' "$dom")"; fi
grep -q 'data-report-status="ok"' "$dom" || fail "sweep: the load check did not pass: $(grep -o '<html[^>]*>' "$dom" | head -1)"
grep -q 'data-chart-count="1"' "$dom" || fail "sweep: expected 1 chart"
grep -q 'data-hover="ok"' "$dom" || fail "sweep: hovering a point does not show its parameters"
grep -q '<svg class="scatter" id="scatter-0"' "$dom" || fail "sweep: no scatter"
grep -q '<path class="front" d="M[0-9]' "$dom" || fail "sweep: no Pareto front drawn"
[ "$(grep -o '<circle class="pt' "$dom" | wc -l)" -eq 3 ] || fail "sweep: expected 3 points (the 3 with a schedule)"
grep -q '<circle class="pt pareto"' "$dom" || fail "sweep: no point marked on the front"
grep -q 'id="info-scatter-0">two_layers-glb_kib[0-9]*-wb_instances128 (Pareto front)' "$dom" ||
  fail "sweep: the info box does not show the hovered point"
echo "ok: sweep"
