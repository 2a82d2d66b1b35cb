#!/usr/bin/env bash
# Runs the same commands with two cosa binaries and diffs their output folders byte for byte: the
# check that a restructuring changed no CLI behaviour. Commands (fixed seeds, one job, small budgets):
#   schedule  resnet50_conv1 on simba with the bypass mapspace
#   network   small_layers and alexnet on simba with the bypass mapspace
#   compare   small_layers, mappers cosa,random,hybrid,exhaustive (small search budgets)
# Every file of each output folder must be equal, after removing only what measures time:
#   - JSON: every key whose name contains "time" (time_s, solve_time_s, total_time_s, wall_time_s, ...)
#   - CSV: every column whose header contains "time"
#   - Markdown tables: every column whose header contains "time" or "runtime"; other lines with a
#     number of seconds (" s" / "s)") have their numbers masked
#   - report.html: every number masked in the rows/cells that render times (it is rendered from the
#     JSON compared above)
#   - stdout (the printed summaries) is compared like Markdown; stderr is not (progress lines carry
#     times)
# and with the output folder's own path (WORK/old/... or WORK/new/...) replaced by WORK/ everywhere.
# A JSON key the new binary adds (absent from the old output) is listed as an added field, not a
# difference: what the old binary wrote must be unchanged, new fields may join it.
# usage: bench/check_cli_identical.sh OLD_COSA NEW_COSA [work dir]
# exit status: 0 when every output is identical, 1 otherwise (the differences are printed).
set -euo pipefail
[ "$#" -ge 2 ] || { echo "usage: $0 OLD_COSA NEW_COSA [work dir]" >&2; exit 2; }
old="$(realpath "$1")"
new="$(realpath "$2")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${3:-$(mktemp -d)}"
mkdir -p "$work"
data="$root/data"
arch="$data/arch/simba.yaml"
mapspace="$data/mapspace/simba_bypass.yaml"

run() {  # run NAME BINARY OUT -- cosa arguments
  local name="$1" bin="$2" out="$3"
  shift 4
  rm -rf "$out"
  mkdir -p "$out"
  "$bin" "$@" --out "$out/files" >"$out/stdout" 2>"$out/stderr" || echo "exit $?" >"$out/exit"
  echo "exit ${PIPESTATUS[0]:-0}" >>"$out/status"
}

commands=(
  "schedule|schedule --arch $arch --mapspace $mapspace --problem $data/problems/resnet50_conv1.yaml --seed 0"
  "network-small|network --arch $arch --mapspace $mapspace --network small_layers --jobs 1 --seed 0"
  "network-alexnet|network --arch $arch --mapspace $mapspace --network alexnet --jobs 1 --seed 0"
  "compare|compare --arch $arch --mapspace $mapspace --network small_layers --mappers cosa,random,hybrid,exhaustive --jobs 1 --seed 0 --time-limit 5 --random-valid 5 --search-size 200 --hybrid-sampling fanout-valid --max-evaluations 2000"
)
for entry in "${commands[@]}"; do
  name="${entry%%|*}"
  read -r -a args <<<"${entry#*|}"
  for side in old new; do
    bin="$old"
    [ "$side" = new ] && bin="$new"
    echo "$name: $side" >&2
    run "$name" "$bin" "$work/$side/$name" -- "${args[@]}"
  done
done

python3 - "$work" <<'PY'
import csv, io, json, pathlib, re, sys

work = pathlib.Path(sys.argv[1])
TIME = re.compile(r"time", re.I)

def drop_time_keys(value):
    if isinstance(value, dict):
        return {k: drop_time_keys(v) for k, v in value.items() if not TIME.search(k)}
    if isinstance(value, list):
        return [drop_time_keys(v) for v in value]
    return value

def norm_csv(text):
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return text
    keep = [i for i, h in enumerate(rows[0]) if not TIME.search(h)]
    return "\n".join(",".join(r[i] for i in keep if i < len(r)) for r in rows)

SECONDS = re.compile(r"\d+(\.\d+)?(e[-+]?\d+)?(?=\s*s\b|\s*s\))")
def norm_md(text):
    out, drop = [], None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = line.strip().strip("|").split("|")
            if drop is None:  # a table's first row is its header
                drop = {i for i, c in enumerate(cells) if re.search(r"time|runtime", c, re.I)}
            line = "|".join(c for i, c in enumerate(cells) if i not in drop)
        else:
            drop = None
            line = SECONDS.sub("#", line)
        out.append(line)
    return "\n".join(out)

def norm_html(text):
    # Time columns/rows: mask every number in table cells and lines that mention a time.
    lines = []
    for line in text.splitlines():
        if re.search(r"time|runtime|\bs\b|seconds", line, re.I):
            line = re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "#", line)
        lines.append(line)
    return "\n".join(lines)

def strip_added(new, old, where, added):
    """`new` without the dict keys `old` lacks (recorded in `added`), recursively."""
    if isinstance(new, dict) and isinstance(old, dict):
        for k in [k for k in new if k not in old]:
            added.add(where + k)
        return {k: strip_added(v, old[k], where + k + ".", added) for k, v in new.items() if k in old}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [strip_added(n, o, where + "[].", added) for n, o in zip(new, old)]
    return new

def normalise(path, side):
    data = path.read_bytes()
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return data
    # The output folders differ by name only: old/ and new/.
    text = text.replace(str(work / side) + "/", "WORK/")
    if path.suffix == ".json":
        return json.dumps(drop_time_keys(json.loads(text)), sort_keys=True, indent=1)
    if path.suffix == ".csv":
        return norm_csv(text)
    if path.suffix == ".md" or path.name == "stdout":
        return norm_md(text)
    if path.suffix == ".html":
        return norm_html(text)
    return text

failures = 0
for case in sorted((work / "old").iterdir()):
    other = work / "new" / case.name
    old_files = {p.relative_to(case) for p in case.rglob("*") if p.is_file() and p.name != "stderr"}
    new_files = {p.relative_to(other) for p in other.rglob("*") if p.is_file() and p.name != "stderr"}
    for missing in sorted(old_files ^ new_files):
        print(f"{case.name}: only in {'old' if missing in old_files else 'new'}: {missing}")
        failures += 1
    same = 0
    for rel in sorted(old_files & new_files):
        a, b = normalise(case / rel, "old"), normalise(other / rel, "new")
        if rel.suffix == ".json" and a != b:
            added = set()
            b = json.dumps(strip_added(json.loads(b), json.loads(a), "", added), sort_keys=True, indent=1)
            if added:
                print(f"{case.name}: {rel}: added fields: {', '.join(sorted(added))}")
        if a != b:
            failures += 1
            print(f"{case.name}: {rel} differs")
            if isinstance(a, str):
                import difflib
                for d in list(difflib.unified_diff(a.splitlines(), b.splitlines(), "old", "new", lineterm=""))[:20]:
                    print("   ", d)
        else:
            same += 1
    print(f"{case.name}: {same} files identical, {len(old_files ^ new_files) + len(old_files & new_files) - same} differ")
sys.exit(1 if failures else 0)
PY
