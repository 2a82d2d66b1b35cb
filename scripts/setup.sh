#!/usr/bin/env bash
# Installs the Debian 12 packages cosa needs to build and test. Idempotent: only missing packages are installed.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  coinor-libcbc-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libglpk-dev  # GLPK: the second MIP backend (--backend glpk), which cross-checks CBC in the tests
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium  # headless, for the HtmlReportInChromium test
  python3-jsonschema  # for the ResultSchemas test (tests/check_result_schemas.sh)
  python3-yaml  # the ResultSchemas test checks sweep specs (YAML) against docs/schema/sweep-spec.schema.json
  slurm-wlm munge  # the SweepSlurm test runs a one-node Slurm (slurmctld, slurmd, munged) on localhost
  libonnx-dev libprotobuf-dev
  # scripts/export_onnx_models.py: regenerates the shape-only PyTorch exports in tests/data/onnx
  # (the tests read the stored files; only regenerating them needs these)
  python3-torch python3-torchvision python3-onnx
  clang libclang-rt-14-dev  # scripts/sanitize.sh and scripts/fuzz.sh: ASan/UBSan runtimes, libFuzzer
  # the Python module (python/, built when pybind11 is found), its tests and the example notebook
  python3-dev python3-pybind11 python3-pytest python3-nbconvert python3-ipykernel python3-matplotlib
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
