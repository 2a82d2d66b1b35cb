#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, and run cosa on the bundled defaults:
# schedule every layer of ResNet-50 on CoSA's Simba (CoSA's bypass pattern) and total the results.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${COSA_BUILD_DIR:-$root/build}"
"$build/cosa" network \
  --arch "$root/data/arch/simba.yaml" \
  --mapspace "$root/data/mapspace/simba_bypass.yaml" \
  --network resnet50 \
  --jobs "$(nproc)" \
  --out "${COSA_OUT_DIR:-$root/out}/resnet50"
