#!/usr/bin/env bash
# Installs a built cosa into a temporary prefix, builds examples/consumer against it with
# find_package(cosa), and runs it. usage: scripts/test_install.sh BUILD_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -x "$work/prefix/bin/cosa"
test -f "$work/prefix/include/cosa/model/evaluator.hpp"
test -f "$work/prefix/share/cosa/data/arch/simba.yaml"
cmake -S "$root/examples/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/cosa_consumer"
