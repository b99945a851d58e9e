"""The shipped `resnet18.onnx` back as a PyTorch module, for checks that need the model itself (the invariance check)
once its training checkpoint is gone. The architecture is built as training builds it; the export folded each batch
norm into its convolution, so each convolution takes the exported weights (in graph order) and its batch norm
becomes the identity plus the folded bias. `check_against` compares the result with ONNX Runtime's logits (the C#
evaluation command's `--logits`), so a wrong mapping cannot pass unseen.
  python3 -m medcrypt_training.invariance --onnx ../resnet18.onnx --data <prepared> --split <lists> --check <logits.csv>"""
from typing import List

import onnx
import torch
from onnx import numpy_helper

from .calibration import read
from .models import ADAPTATION_BIAS, ADAPTATION_WEIGHT, build


def load_resnet18(path: str) -> torch.nn.Module:
    graph = onnx.load(path).graph
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    exported = [(weights[n.input[1]], weights[n.input[2]] if len(n.input) > 2 else None)
                for n in graph.node if n.op_type == "Conv" and n.input[1] != ADAPTATION_WEIGHT]
    if any(n.op_type == "BatchNormalization" for n in graph.node):
        raise ValueError(f"{path} has batch norms left: not an export this reader knows")
    model = build("resnet18").eval()
    features = model.backbone.features
    convs = [(key, output) for op, key, _, output, _ in features.steps if op == "Conv"]
    norm_after = {inputs[0]: key for op, key, inputs, _, _ in features.steps if op == "BatchNormalization"}
    if len(convs) != len(exported):
        raise ValueError(f"{path} has {len(exported)} convolutions, the architecture {len(convs)}")
    with torch.no_grad():
        for (key, output), (weight, bias) in zip(convs, exported):
            conv = features.layers[key]
            if conv.weight.shape != weight.shape:
                raise ValueError(f"convolution {key}: {tuple(weight.shape)} exported, {tuple(conv.weight.shape)} built")
            conv.weight.copy_(weight)
            folded = bias if bias is not None else torch.zeros(weight.shape[0])
            if conv.bias is not None:
                conv.bias.zero_()
            bn = features.layers[norm_after[output]]
            bn.weight.fill_(1.0)
            bn.bias.copy_(folded)
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)  # (x − 0) / √(1 − ε + ε) · 1 + b = x + b
        model.adaptation.weight.copy_(weights[ADAPTATION_WEIGHT])
        model.adaptation.bias.copy_(weights[ADAPTATION_BIAS])
        model.backbone.mean_bgr.copy_(weights["backbone.mean_bgr"])
        model.backbone.classifier.weight.copy_(weights["backbone.classifier.weight"])
        model.backbone.classifier.bias.copy_(weights["backbone.classifier.bias"])
    return model


def check_against(model: torch.nn.Module, inputs: torch.Tensor, names: List[str], logits_csv: str, tolerance: float = 1e-3) -> float:
    """The largest |Δ logit| between this module and ONNX Runtime on the same prepared slices; raises past `tolerance`."""
    readings = read([("onnx-runtime", logits_csv)])
    reference = {f.rsplit(".", 1)[0]: row for f, row in zip(readings.files, readings.logits["resnet18"].tolist())}
    with torch.no_grad():
        ours = model(inputs)
    worst = 0.0
    for name, row in zip(names, ours.tolist()):
        theirs = reference[name.rsplit(".", 1)[0]]
        worst = max(worst, max(abs(a - b) for a, b in zip(row, theirs)))
    if worst > tolerance:
        raise AssertionError(f"the imported model's logits differ from ONNX Runtime's by up to {worst:.2e}")
    return worst
