"""ONNX export with the adaptation stem's weight and bias as overridable initializers (graph inputs with defaults)."""
import os

import onnx
import torch
from onnx import helper

from .models import ADAPTATION_BIAS, ADAPTATION_WEIGHT

INPUT, OUTPUT = "pixels", "logits"


def export(model: torch.nn.Module, size: int, path: str, opset: int = 13) -> str:
    model.eval()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)  # after a run of an hour, not a missing folder
    dummy = torch.zeros(1, 3, size, size)
    torch.onnx.export(model, dummy, path, input_names=[INPUT], output_names=[OUTPUT], opset_version=opset,
                      dynamic_axes={INPUT: {0: "batch"}, OUTPUT: {0: "batch"}}, do_constant_folding=True)
    graph_model = onnx.load(path)
    graph = graph_model.graph
    renames = {"adaptation.weight": ADAPTATION_WEIGHT, "adaptation.bias": ADAPTATION_BIAS}
    for initializer in graph.initializer:
        if initializer.name in renames:
            new = renames[initializer.name]
            for node in graph.node:
                node.input[:] = [new if i == initializer.name else i for i in node.input]
            initializer.name = new
            graph.input.append(helper.make_tensor_value_info(new, initializer.data_type, list(initializer.dims)))
    missing = {ADAPTATION_WEIGHT, ADAPTATION_BIAS} - {i.name for i in graph.input}
    if missing:
        raise RuntimeError(f"the exported graph lacks the adaptation initializers {sorted(missing)}")
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, path)
    return path
