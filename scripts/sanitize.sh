#!/usr/bin/env bash
# Builds cosa and its whole test suite with AddressSanitizer and UndefinedBehaviorSanitizer (clang,
# build dir build-asan, no benchmarks) and runs every test. Any sanitizer report fails the test that
# triggered it (-fno-sanitize-recover=all; leaks are reported at exit). Extra arguments go to ctest.
# environment: COSA_ASAN_BUILD_DIR  build dir (default build-asan)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${COSA_ASAN_BUILD_DIR:-$root/build-asan}"

# Exported rather than passed as -D options: the InstallAndConsume test configures a fresh CMake
# project (examples/consumer) against the installed, instrumented library, and CMake takes its
# initial compiler and flags from CC/CXX/CXXFLAGS/LDFLAGS, so the consumer is built the same way.
export CC=clang CXX=clang++
export CXXFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
export LDFLAGS="-fsanitize=address,undefined"
# Sanitizer reports abort with a stack trace; leaks are checked at exit of every process, the CLI's
# included (the tests run it as a subprocess).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# -O1 with line tables: fast enough for the suite, readable stack traces.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS" -DCOSA_WERROR=ON -DCOSA_BUILD_TESTS=ON -DCOSA_BUILD_BENCH=OFF -DCOSA_BUILD_PYTHON=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"
