#!/usr/bin/python3
"""Exports the ONNX models cosa's ONNX tests and benchmark read, as small shape-only files.

Each model is built with Debian's python3-torch / python3-torchvision (random weights: nothing is
downloaded) and exported by torch.onnx.export (opset 13, symbolic batch dimension), exactly as a
user would. The weights are then cut out: every initializer with more than
MAX_KEPT_ELEMENTS elements keeps its name, type and dimensions but loses its data, and is marked
as an external-data tensor whose location is "cosa-stripped-weights" (a file that does not exist).
Shapes are all cosa reads from weights; the small initializers (reshape targets, slice bounds,
gather indices, ...) keep their values, because the shape computations need them. To keep the
files small, tensors get short names (t0, t1, ...) and only compute nodes keep their names
(which name the layers). Nothing else changes: same nodes, attributes and graph inputs.

Usage: scripts/export_onnx_models.py [OUT_DIR] [--only NAME,...] [--opset N]
(default OUT_DIR: tests/data/onnx). With --opset other than 13 the file is NAME_opsetN.onnx
(tests/data/onnx/swin_t_opset17.onnx: Shape with start/end and LayerNormalization, as newer
exporters write them). Needs python3-torch, python3-torchvision and python3-onnx
(scripts/setup.sh installs them).
"""
import argparse
import io
import os
import sys

import onnx
import torch
import torch.nn as nn
import torchvision

DEFAULT_OPSET = 13
MAX_KEPT_ELEMENTS = 64
STUB_LOCATION = "cosa-stripped-weights"


class Extras(nn.Module):
    """Operators the torchvision models do not use: ConvTranspose (plain, strided, grouped),
    Einsum in matmul form, a MatMul broadcast against a 2-D activation, and Gemm with transA."""

    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.up = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
        self.up_grouped = nn.ConvTranspose2d(8, 8, 3, stride=1, padding=1, groups=4, dilation=1)
        self.proj = nn.Linear(64, 32)

    def forward(self, x):
        y = self.up_grouped(self.up(self.down(x)))  # [b, 8, 32, 32]
        b = y.shape[0]
        t = y.reshape(b, 2, 4, 1024)  # [b, heads=2, d=4, tokens=1024]
        scores = torch.einsum("bhdq,bhdk->bhqk", t, t)  # batched GEMM: B=b*2, M=N=1024, K=4
        pooled = scores.mean(dim=-1)  # [b, 2, 1024]
        flat = pooled.reshape(b * 32, 64)
        z = self.proj(flat)  # Gemm by a constant weight: a fully connected layer
        return torch.matmul(z, z.t())  # MatMul of two activations (2-D): a GEMM


def bert_base_encoder():
    layer = nn.TransformerEncoderLayer(d_model=768, nhead=12, dim_feedforward=3072, dropout=0.0,
                                       batch_first=True)
    return nn.TransformerEncoder(layer, num_layers=12, enable_nested_tensor=False)


# name -> (constructor, example input shape [batch first])
MODELS = {
    "shufflenet_v2": (lambda: torchvision.models.shufflenet_v2_x1_0(), [1, 3, 224, 224]),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(), [1, 3, 224, 224]),
    "vit_b_16": (lambda: torchvision.models.vit_b_16(), [1, 3, 224, 224]),
    "swin_t": (lambda: torchvision.models.swin_t(), [1, 3, 224, 224]),
    "bert_base_encoder": (bert_base_encoder, [1, 128, 768]),
    "extras": (Extras, [1, 8, 32, 32]),
}


def export(name, build, shape, opset):
    torch.manual_seed(0)
    model = build().eval()
    # Keep gradients on so that nn.TransformerEncoder takes its exportable (non fused) path.
    for p in model.parameters():
        p.requires_grad_(True)
    buffer = io.BytesIO()
    torch.onnx.export(model, torch.randn(*shape), buffer, opset_version=opset, input_names=["input"],
                      output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                      do_constant_folding=True)
    return onnx.load_from_string(buffer.getvalue())


def strip_weights(model):
    stripped = 0
    for tensor in model.graph.initializer:
        elements = 1
        for d in tensor.dims:
            elements *= d
        if elements <= MAX_KEPT_ELEMENTS:
            continue
        for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
            tensor.ClearField(field)
        tensor.data_location = onnx.TensorProto.EXTERNAL
        del tensor.external_data[:]
        entry = tensor.external_data.add()
        entry.key, entry.value = "location", STUB_LOCATION
        stripped += 1
    model.doc_string = (f"Shape-only export of {model.graph.name or 'a model'} by cosa's "
                        f"scripts/export_onnx_models.py: initializers with more than {MAX_KEPT_ELEMENTS} "
                        f"elements have no data (external location '{STUB_LOCATION}').")
    return stripped


COMPUTE_OPS = {"Conv", "ConvTranspose", "Gemm", "MatMul", "Einsum"}


def shorten_names(model):
    """Short tensor names (t0, t1, ...) and no names on non-compute nodes: the graph stays the
    same, the file shrinks to about half. Compute nodes keep their names (they name the layers);
    graph inputs and outputs keep theirs."""
    graph = model.graph
    keep = {v.name for v in graph.input} | {v.name for v in graph.output}
    names = {}

    def short(name):
        if not name or name in keep:
            return name
        if name not in names:
            names[name] = "t%x" % len(names)
        return names[name]

    for t in graph.initializer:
        t.name = short(t.name)
    for node in graph.node:
        node.input[:] = [short(n) for n in node.input]
        node.output[:] = [short(n) for n in node.output]
        node.doc_string = ""
        if node.op_type not in COMPUTE_OPS:
            node.name = ""
    del graph.value_info[:]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "tests", "data",
                                                               "onnx"))
    parser.add_argument("--only", default="", help="comma-separated model names (default: all)")
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET, help="ONNX opset (default 13)")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(MODELS)
    os.makedirs(args.out, exist_ok=True)
    for name in names:
        build, shape = MODELS[name]
        model = export(name, build, shape, args.opset)
        model.graph.name = name
        stripped = strip_weights(model)
        shorten_names(model)
        suffix = "" if args.opset == DEFAULT_OPSET else f"_opset{args.opset}"
        path = os.path.join(args.out, name + suffix + ".onnx")
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(model.SerializeToString())
        os.replace(tmp, path)
        print(f"{path}: {len(model.graph.node)} nodes, {stripped} weights stripped, "
              f"{os.path.getsize(path) / 1024:.0f} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
