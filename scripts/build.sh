#!/usr/bin/env bash
# Configures and builds cosa (Release, warnings as errors) into ./build. Extra arguments go to cmake.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${COSA_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOSA_WERROR=ON "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
