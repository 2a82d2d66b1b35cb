#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, build dir build-fuzz) and runs each for a while.
#
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET  default 60; TARGETs default to every fuzz/*_fuzz.cpp (names without _fuzz)
# environment:
#   COSA_FUZZ_BUILD_DIR  build dir (default build-fuzz)
#   COSA_FUZZ_WORK       scratch dir for corpora, logs and crash files (default: a new temp dir,
#                        kept when something fails)
#   COSA_FUZZ_JOBS       targets fuzzed at once (default 1; CI uses 2 on its 2 cores)
#
# Each target starts from a copy of fuzz/corpus/<target> (the repo's seeds never grow) with the
# dictionary fuzz/<target>.dict if there is one, else fuzz/yaml.dict. A crash, a sanitizer report,
# an uncaught exception other than InputError, a timeout (a hang) or running out of memory fails
# the script; the reproducer is in the scratch dir. Per target it prints the executions done
# (libFuzzer's stat::number_of_executed_units).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
shift || true
build="${COSA_FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${COSA_FUZZ_JOBS:-1}"

if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "fuzz: SECONDS_PER_TARGET must be a positive integer, got '$seconds'" >&2
  exit 2
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in "$root"/fuzz/*_fuzz.cpp; do
    name="$(basename "$source" .cpp)"
    targets+=("${name%_fuzz}")
  done
fi
for t in "${targets[@]}"; do
  if [ ! -f "$root/fuzz/${t}_fuzz.cpp" ]; then
    echo "fuzz: unknown target '$t' (no fuzz/${t}_fuzz.cpp)" >&2
    exit 2
  fi
done

# -O1 with line tables: fast enough to fuzz, readable stack traces.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCOSA_BUILD_FUZZ=ON \
  -DCOSA_BUILD_TESTS=OFF -DCOSA_BUILD_BENCH=OFF -DCOSA_WERROR=ON >/dev/null
cmake --build "$build" --target fuzzers -j"$(nproc)"

work="${COSA_FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/cosa-fuzz.XXXXXX")}"
mkdir -p "$work"
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each, $jobs at a time; scratch dir $work"

# One target: fresh corpus copy, fuzz, then report. Inputs up to 16 KiB (the largest seed, a network
# of 52 layers, is 10 KiB); 10 s for one input is a hang; 2 GiB is far beyond any sane parse.
run_target() {
  local t="$1" dir="$work/$1"
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp "$root/fuzz/corpus/$t"/* "$dir/corpus/"
  # A target's own dictionary (fuzz/<target>.dict, e.g. ONNX's) or the YAML one.
  local dict="$root/fuzz/$t.dict"
  [ -f "$dict" ] || dict="$root/fuzz/yaml.dict"
  local status=0
  # Run from the target's folder: a problem may name a shape file relative to the working dir.
  # malloc_context_size=0: ASan otherwise stores every distinct allocation stack, and yaml-cpp's
  # recursion gives fuzzed inputs ever new ones (RSS grew ~1.3 KB per execution, reaching the
  # limit in a 15-minute run); it also runs 1.7x faster. Rerun a reproducer without it to get the
  # allocation stacks in a report.
  (cd "$dir" && ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=0:detect_leaks=1}" \
    "$build/fuzz/${t}_fuzz" corpus -dict="$dict" -max_total_time="$seconds" \
    -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=artifacts/ >log.txt 2>&1) || status=$?
  local execs
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log.txt" | tail -1)"
  if [ "$status" -eq 0 ]; then
    printf 'fuzz: %-12s ok      %12s executions in %ss\n' "$t" "${execs:-?}" "$seconds"
  else
    printf 'fuzz: %-12s FAILED  %12s executions (exit %s); log %s\n' "$t" "${execs:-?}" "$status" \
      "$dir/log.txt"
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written|uncaught|terminate' "$dir/log.txt" | head -20 || true
    return 1
  fi
}
export -f run_target
export root build work seconds

failed=0
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_target "$@"' _ {} || failed=1
if [ "$failed" -ne 0 ]; then
  echo "fuzz: FAILED (reproducers under $work/<target>/artifacts; rerun one with" \
    "$build/fuzz/<target>_fuzz <file>)" >&2
  exit 1
fi
echo "fuzz: all targets ran without a finding"
[ -n "${COSA_FUZZ_WORK:-}" ] || rm -rf "$work"
