#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, and run cosa on the bundled defaults
# (ResNet-50's first layer on CoSA's Simba, evaluating the bundled hand mapping).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${COSA_BUILD_DIR:-$root/build}"
"$build/cosa" evaluate \
  --arch "$root/data/arch/simba.yaml" \
  --problem "$root/data/problems/resnet50_conv1.yaml" \
  --mapping "$root/data/mappings/simba_resnet50_conv1.yaml"
