#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, and run cosa on the bundled defaults:
# schedule ResNet-50's first layer on CoSA's Simba, then evaluate the mapping it wrote.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${COSA_BUILD_DIR:-$root/build}"
out="${COSA_OUT_DIR:-$root/out}/resnet50_conv1"
"$build/cosa" schedule \
  --arch "$root/data/arch/simba.yaml" \
  --problem "$root/data/problems/resnet50_conv1.yaml" \
  --mapspace "$root/data/mapspace/simba_bypass.yaml" \
  --out "$out"
echo
"$build/cosa" evaluate \
  --arch "$root/data/arch/simba.yaml" \
  --problem "$root/data/problems/resnet50_conv1.yaml" \
  --mapping "$out/mapping.yaml"
