#!/usr/bin/env python3
"""Bundle CoSA's published network layer lists as data/networks/<name>.yaml.

Source: CoSA's src/cosa/configs/workloads/<net>_graph folders (one Timeloop problem YAML per
layer, layers.yaml = the network's layers in order, unique_layers.yaml = first occurrence of
each distinct shape). The layer dimensions are copied verbatim, quirks included (DeepBench
files with dilation 0, ResNeXt-50 grouped layers with the groups dropped): they are the data
the CoSA paper was evaluated on.

Usage:
  scripts/import_cosa_workloads.py [--src DIR] [--out DIR] [--check]

--src defaults to ../shared/reference/cosa/workloads (relative to the repository root),
--out to data/networks; --check compares instead of writing and exits 1 on a difference.
"""

import argparse
import os
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SRC = os.path.join(os.path.dirname(REPO), "shared", "reference", "cosa", "workloads")
DEFAULT_OUT = os.path.join(REPO, "data", "networks")

# Order of the keys in each emitted layer (the cnn-layer dimensions, then its coefficients).
KEYS = ["R", "S", "P", "Q", "C", "K", "N", "Wstride", "Hstride", "Wdilation", "Hdilation"]
SHAPE = "cnn-layer"

# (output name, CoSA folder, which layers, notes for the file header)
NETWORKS = [
    ("alexnet", "alexnet_graph", "layers", [
        "8 layers (5 conv + 3 fully connected), each listed once per occurrence; 8 distinct.",
        "CoSA's padded variant of conv1 (C 3 -> 4, P/Q 55 -> 56) lives in a separate folder",
        "(alexnet_pad_graph) and is not part of this list.",
    ]),
    ("resnet50", "resnet50_graph", "layers", [
        "54 layers (53 conv + 1 fully connected), each listed once per occurrence (every layer",
        "has its own file even when its shape repeats); 24 distinct (= unique_layers.yaml).",
        "Not listed in layers.yaml and so not bundled: _outputs_input.104.pad (P/Q 14 -> 16).",
    ]),
    ("resnext50", "resnext50_32x4d_graph", "layers", [
        "54 layers, each listed once per occurrence; 25 distinct (= unique_layers.yaml).",
        "Grouped 3x3 layers appear with the groups dropped (e.g. C: 4 K: 128 for 32 groups of",
        "4 -> 4 channels), as CoSA published them.",
        "Not listed in layers.yaml and so not bundled: _outputs_input.104.pad, .147.pad, .150.pad.",
    ]),
    ("deepbench", "deepbench_graph", "layers", [
        "The 9 layers of CoSA's DeepBench layers.yaml (07_OCR .. 15_Face_Recognition), one",
        "occurrence each. See deepbench_all.yaml for every DeepBench layer file (and for how",
        "CoSA derived these from DeepBench: P/Q are the input sizes, dilation is the padding).",
    ]),
    ("deepbench_all", "deepbench_graph", "all", [
        "Every DeepBench layer file of CoSA's deepbench_graph folder, in file-name order, one",
        "occurrence each (a collection of independent layers, not one network).",
        "22 files carry Hdilation: 0 / Wdilation: 0, a data bug in the source (dilation is at",
        "least 1); kept verbatim. The files match DeepBench's inference_server_set tuples",
        "(w, h, c, n, k, filter_w, filter_h, pad_w, pad_h, wstride, hstride) read as P=w, Q=h,",
        "S=filter_w, R=filter_h, Wdilation=pad_w, Hdilation=pad_h: the dilations are really",
        "DeepBench's paddings and P/Q are input (not output) sizes.",
    ]),
]


def load_yaml(path):
    with open(path) as f:
        return yaml.safe_load(f)


def scalar(value):
    """A YAML flow-context scalar that reads back as the string `value`."""
    text = str(value)
    plain_ok = all(c not in text for c in ",[]{}:#'\"") and text.strip() == text and text
    if plain_ok:
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return "'" + text.replace("'", "''") + "'"


def read_layer(folder, name):
    path = os.path.join(folder, name + ".yaml")
    doc = load_yaml(path)
    problem = doc["problem"]
    extra = set(doc) - {"problem"}
    if extra:
        sys.exit(f"{path}: unexpected top-level keys {sorted(extra)}")
    unknown = set(problem) - set(KEYS) - {"shape"}
    if unknown:
        sys.exit(f"{path}: unexpected problem keys {sorted(unknown)}")
    if problem.get("shape", SHAPE) != SHAPE:
        sys.exit(f"{path}: shape {problem.get('shape')!r}, expected {SHAPE}")
    for k in KEYS:
        if not isinstance(problem.get(k), int):
            sys.exit(f"{path}: {k} missing or not an integer")
    return {k: problem[k] for k in KEYS}


def layer_names(folder, which):
    if which == "layers":
        names = load_yaml(os.path.join(folder, "layers.yaml"))
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            sys.exit(f"{folder}/layers.yaml: expected a list of layer names")
        return names
    names = []
    for entry in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(entry)
        if ext == ".yaml" and stem not in ("layers", "unique_layers"):
            names.append(stem)
    return names


def render(net, folder_name, which, notes, layers):
    origin = "layers.yaml order" if which == "layers" else "every layer file, file-name order"
    lines = [
        "# Generated by scripts/import_cosa_workloads.py; do not edit by hand.",
        f"# From CoSA (github.com/ucb-bar/cosa) src/cosa/configs/workloads/{folder_name}.",
    ]
    lines += ["# " + n for n in notes]
    lines += [
        f"network: {net}",
        f"source: CoSA configs/workloads/{folder_name} ({origin})",
        f"shape: {SHAPE}",
        "layers:",
    ]
    for name, dims in layers:
        fields = [f"name: {scalar(name)}"] + [f"{k}: {dims[k]}" for k in KEYS]
        lines.append("  - {" + ", ".join(fields) + "}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", default=DEFAULT_SRC, help="CoSA configs/workloads folder")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()

    stale = []
    for net, folder_name, which, notes in NETWORKS:
        folder = os.path.join(args.src, folder_name)
        names = layer_names(folder, which)
        layers = [(n, read_layer(folder, n)) for n in names]
        text = render(net, folder_name, which, notes, layers)

        # The emitted file must read back as exactly the source data.
        back = yaml.safe_load(text)
        assert back["network"] == net and back["shape"] == SHAPE
        assert [l["name"] for l in back["layers"]] == names
        assert all({k: l[k] for k in KEYS} == dims for l, (_, dims) in zip(back["layers"], layers))

        distinct = len({tuple(d[k] for k in KEYS) for _, d in layers})
        out = os.path.join(args.out, net + ".yaml")
        if args.check:
            current = open(out).read() if os.path.exists(out) else None
            if current != text:
                stale.append(out)
            continue
        os.makedirs(args.out, exist_ok=True)
        with open(out, "w") as f:
            f.write(text)
        print(f"{out}: {len(layers)} layers, {distinct} distinct shapes")

    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
