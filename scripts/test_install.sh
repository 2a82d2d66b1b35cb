#!/usr/bin/env bash
# Installs a built cosa into a temporary prefix and builds two projects against it with
# find_package(cosa): tests/install_consumer (COMPONENTS core: evaluate only) and examples/consumer
# (COMPONENTS scheduler). Checks that only the public headers are installed, that the evaluate-only
# program links neither a MIP solver nor ONNX/Protobuf, and that its JSON equals `cosa evaluate
# --json`. usage: scripts/test_install.sh BUILD_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/cosa"
test -f "$prefix/include/cosa/cosa.hpp"
test -f "$prefix/share/cosa/data/arch/simba.yaml"
# The public API only: no internal header (src/) is installed, and no public header includes a
# third-party one.
if [ -e "$prefix/include/cosa/model" ] || [ -e "$prefix/include/cosa/model/evaluator.hpp" ]; then
  echo "internal headers were installed" >&2
  exit 1
fi
if grep -nE '#include *[<"](yaml-cpp|nlohmann|fmt|CLI|onnx|coin|glpk|google)' -r "$prefix/include/cosa"; then
  echo "a public header includes a third-party header (above)" >&2
  exit 1
fi

cmake -S "$root/tests/install_consumer" -B "$work/core" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/core" --verbose > "$work/core-build.log"
link_line="$(grep -E -- '-o cosa_evaluate_only( |$)' "$work/core-build.log")"
if grep -qiE 'cbc|clp|coin|glpk|onnx|protobuf|cosa_scheduler' <<<"$link_line" ||
   ldd "$work/core/cosa_evaluate_only" | grep -iE 'cbc|clp|coin|glpk|onnx|protobuf'; then
  echo "the evaluate-only consumer links a solver or ONNX:" >&2
  echo "$link_line" >&2
  exit 1
fi
data="$root/data"
args=(--arch "$data/arch/simba.yaml" --problem "$data/problems/resnet50_conv1.yaml"
      --mapping "$data/mappings/simba_resnet50_conv1.yaml")
"$work/core/cosa_evaluate_only" "$data/arch/simba.yaml" "$data/problems/resnet50_conv1.yaml" \
  "$data/mappings/simba_resnet50_conv1.yaml" > "$work/api.json"
"$prefix/bin/cosa" evaluate "${args[@]}" --json > "$work/cli.json"
diff "$work/cli.json" "$work/api.json"

cmake -S "$root/examples/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/cosa_consumer"
# The Python package, when built: installed where Debian's python3 finds it for this prefix
# (lib/python3.X/dist-packages), it imports and gives the CLI's numbers, with the installed data.
site="$(echo "$prefix"/lib/python3*/dist-packages)"
if [ -d "$site/cosa" ]; then
  /usr/bin/python3 -c "import sys; assert '/usr/local/${site#"$prefix/"}' in sys.path, sys.path"
  PYTHONPATH="$site" /usr/bin/python3 - "$data" "$work/cli.json" "$prefix" <<'PYTHON'
import json, sys
import cosa
data, cli_json, prefix = sys.argv[1:]
assert cosa.__file__.startswith(prefix), cosa.__file__
result = cosa.evaluate(data + "/arch/simba.yaml", data + "/problems/resnet50_conv1.yaml",
                       data + "/mappings/simba_resnet50_conv1.yaml")
assert result == json.load(open(cli_json)), "installed Python module: evaluate differs from the CLI"
assert "resnet50" in cosa.builtin_networks()
import os
assert os.environ["COSA_DATA_DIR"] == prefix + "/share/cosa/data", os.environ.get("COSA_DATA_DIR")
PYTHON
fi
echo "install test: evaluate-only consumer links no solver/ONNX; its JSON equals cosa evaluate --json"
