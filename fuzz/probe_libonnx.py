#!/usr/bin/python3
"""Probes libonnx's shape inference for crashes, operator by operator (docs/hardening.md).

cosa runs libonnx's shape inference (with data propagation) on every model it imports, and
libonnx 1.12 (Debian 12) trusts some inputs and attributes. The fuzzer found such crashes one at
a time; this script looks for them systematically. For every default-domain operator schema (each
version) it builds a one-node model with the schema's required attributes and runs Python onnx's
shape inference (the same C++ code) in a forked child, under these variations:

  inputs      every input the same way: undeclared, declared without a type, a tensor with an
              unknown rank, a sequence, an optional, a map, an unknown element type, rank 0..4
  one-input   one input of rank 0..4, the others undeclared
  attributes  every integer attribute (required or not) at -2^40, -3, 0, 7 or 2^40, inputs of
              rank 1 or 4

A child that dies by a signal is a crash. Each crash is printed, and with --write DIR its model is
saved there, so that cosa's importer can be run on all of them:

  fuzz/probe_libonnx.py --write /tmp/crashes && build-fuzz/fuzz/onnx_fuzz /tmp/crashes/*.onnx

(scripts/fuzz.sh builds build-fuzz). Every crash must either be rejected with an InputError or be
kept out of libonnx by the guards in src/io/onnx/onnx_shape_folding.cpp. Takes a few minutes.
"""
import argparse
import os
import signal
import sys

import onnx
from onnx import defs, helper
from onnx import TensorProto as T

A = onnx.AttributeProto
INPUT_STYLES = ["undeclared", "no_type", "unranked", "sequence", "optional", "map", "no_elem_type",
                "rank0", "rank1", "rank2", "rank3", "rank4"]
EXTREMES = [-(1 << 40), -3, 0, 7, 1 << 40]


def value_info(name, style):
    v = onnx.ValueInfoProto()
    v.name = name
    if style == "no_type":
        return v
    if style == "unranked":
        v.type.tensor_type.elem_type = T.FLOAT
    elif style == "sequence":
        v.type.sequence_type.elem_type.tensor_type.elem_type = T.FLOAT
    elif style == "optional":
        v.type.optional_type.elem_type.tensor_type.elem_type = T.FLOAT
    elif style == "map":
        v.type.map_type.key_type = T.INT64
        v.type.map_type.value_type.tensor_type.elem_type = T.FLOAT
    elif style == "no_elem_type":
        v.type.tensor_type.shape.dim.add().dim_value = 2
    else:
        v.type.tensor_type.elem_type = T.FLOAT
        shape = v.type.tensor_type.shape
        shape.SetInParent()
        for _ in range(int(style[len("rank"):])):
            shape.dim.add().dim_value = 3
    return v


def attribute_value(attr, extreme):
    if attr.type == A.INT:
        return extreme
    if attr.type == A.INTS:
        return [extreme, extreme]
    if attr.type == A.FLOAT:
        return 1.0
    if attr.type == A.FLOATS:
        return [1.0]
    if attr.type == A.STRING:
        return "x"
    if attr.type == A.STRINGS:
        return ["x"]
    if attr.type == A.TENSOR:
        return helper.make_tensor("value", T.FLOAT, [1], [1.0])
    if attr.type == A.GRAPH:
        return helper.make_graph([helper.make_node("Identity", ["body_in"], ["body_out"])], "body",
                                 [helper.make_tensor_value_info("body_in", T.FLOAT, None)],
                                 [helper.make_tensor_value_info("body_out", T.FLOAT, None)])
    return None


def build(schema, input_styles, extreme=None):
    """One node of `schema`; input i declared as input_styles[i] (or undeclared)."""
    attrs = {}
    for name, attr in schema.attributes.items():
        if attr.required or (extreme is not None and attr.type in (A.INT, A.INTS)):
            value = attribute_value(attr, 1 if extreme is None else extreme)
            if value is not None:
                attrs[name] = value
    inputs = [f"in{i}" for i in range(len(input_styles))]
    outputs = [f"out{i}" for i in range(max(1, min(schema.max_output, 3)))]
    node = helper.make_node(schema.name, inputs, outputs, **attrs)
    declared = [value_info(n, s) for n, s in zip(inputs, input_styles) if s != "undeclared"]
    graph = helper.make_graph([node], "probe", declared, [])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", schema.since_version)])


def crashes(model):
    """Runs shape inference in a forked child; the signal that killed it, or 0."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        try:
            onnx.shape_inference.infer_shapes(model, check_type=False, strict_mode=False, data_prop=True)
        except Exception:  # a clean inference error is not a crash
            pass
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0


def input_count(schema):
    count = max(schema.min_input, 1)
    return min(count, 6) if schema.max_input < 100 else 3


def cases(schema):
    n = input_count(schema)
    for style in INPUT_STYLES:
        yield f"inputs-{style}", build(schema, [style] * n)
    for k in range(n):
        for rank in range(5):
            styles = ["undeclared"] * n
            styles[k] = f"rank{rank}"
            yield f"input{k}-rank{rank}", build(schema, styles)
    if any(a.type in (A.INT, A.INTS) for a in schema.attributes.values()):
        for rank in (1, 4):
            for extreme in EXTREMES:
                yield f"attributes{extreme}-rank{rank}", build(schema, [f"rank{rank}"] * n, extreme)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", metavar="DIR", help="save each crashing model in DIR")
    parser.add_argument("--only", default="", help="comma-separated operator names (default: all)")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    if args.write:
        os.makedirs(args.write, exist_ok=True)
    found = 0
    probed = 0
    for schema in defs.get_all_schemas_with_history():
        if schema.domain != "" or (only and schema.name not in only) or schema.deprecated:
            continue
        for label, model in cases(schema):
            probed += 1
            sig = crashes(model)
            if sig == 0:
                continue
            found += 1
            name = f"{schema.name}-{schema.since_version}-{label}"
            print(f"crash: {name} ({signal.Signals(sig).name})", flush=True)
            if args.write:
                with open(os.path.join(args.write, name + ".onnx"), "wb") as f:
                    f.write(model.SerializeToString())
    print(f"{probed} models probed on onnx {onnx.__version__}, {found} crashed libonnx", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
