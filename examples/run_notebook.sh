#!/usr/bin/env bash
# Executes a notebook top to bottom with nbconvert (Debian's python3-nbconvert and python3-ipykernel)
# into a temporary folder; fails when any cell raises. usage: run_notebook.sh PYTHON NOTEBOOK
set -euo pipefail
python="$1"
notebook="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$(dirname "$notebook")"
"$python" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
  --output-dir "$work" "$(basename "$notebook")"
