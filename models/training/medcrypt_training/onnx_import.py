"""A shipped ONNX model back as a PyTorch module, for what needs the model itself once its training checkpoint is gone:
the invariance check, and a further training cycle from the shipped weights (`save_checkpoint`, then `train
--init-from <name> --frozen-norms`). The architecture is built as training builds it; the export folded each batch
norm into its convolution, so each convolution takes the exported weights (in graph order) and its batch norm
becomes the identity plus the folded bias. `check_against` compares the result with ONNX Runtime's logits (the C#
evaluation command's `--logits`), so a wrong mapping cannot pass unseen.
  python3 -m medcrypt_training.invariance --onnx ../resnet18.onnx --data <prepared> --split <lists> --check <logits.csv>"""
import os
from typing import Dict, List

import onnx
import torch
import torch.fx
from onnx import numpy_helper

from .calibration import read
from .models import ADAPTATION_BIAS, ADAPTATION_WEIGHT, RESNET18_READS_AT, build


def load_resnet18(path: str, name: str = "resnet18") -> torch.nn.Module:
    graph = onnx.load(path).graph
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    exported = [(weights[n.input[1]], weights[n.input[2]] if len(n.input) > 2 else None)
                for n in graph.node if n.op_type == "Conv" and n.input[1] != ADAPTATION_WEIGHT]
    if any(n.op_type == "BatchNormalization" for n in graph.node):
        raise ValueError(f"{path} has batch norms left: not an export this reader knows")
    model = build(name).eval()
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


def load_exported(name: str, path: str) -> torch.nn.Module:
    """Any architecture from its export (the ImageNet ResNet18s through load_resnet18). The exporter folds a batch norm into the convolution whose output it
    reads and keeps the others as BatchNormalization nodes; which is which follows from the architecture's own data
    flow (traced), so each convolution takes the exported weights in graph order, a folded norm becomes the identity
    plus the folded bias, and a kept norm takes its node's statistics in graph order."""
    if name in RESNET18_READS_AT:
        return load_resnet18(path, name)
    graph = onnx.load(path).graph
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    exported_convs = [n for n in graph.node if n.op_type == "Conv" and n.input[1] != ADAPTATION_WEIGHT]
    exported_norms = [n for n in graph.node if n.op_type == "BatchNormalization"]
    model = build(name).eval()
    backbone = model.backbone
    modules = dict(backbone.named_modules())
    traced = torch.fx.symbolic_trace(backbone)
    convs = [n.target for n in traced.graph.nodes if n.op == "call_module" and isinstance(modules[n.target], torch.nn.Conv2d)]
    folded: Dict[str, str] = {}  # convolution → the norm folded into it
    kept: List[str] = []
    for n in traced.graph.nodes:
        if n.op == "call_module" and isinstance(modules[n.target], torch.nn.BatchNorm2d):
            source = n.args[0]
            if isinstance(source, torch.fx.Node) and source.op == "call_module" and isinstance(modules[source.target], torch.nn.Conv2d):
                folded[source.target] = n.target
            else:
                kept.append(n.target)
    if len(convs) != len(exported_convs) or len(kept) != len(exported_norms):
        raise ValueError(f"{path}: {len(exported_convs)} convolutions and {len(exported_norms)} batch norms exported, "
                         f"the architecture has {len(convs)} and {len(kept)} unfolded")
    with torch.no_grad():
        for key, node in zip(convs, exported_convs):
            conv, weight = modules[key], weights[node.input[1]]
            if conv.weight.shape != weight.shape:
                raise ValueError(f"convolution {key}: {tuple(weight.shape)} exported, {tuple(conv.weight.shape)} built")
            conv.weight.copy_(weight)
            bias = weights[node.input[2]] if len(node.input) > 2 else None
            if key in folded:
                bn = modules[folded[key]]
                bn.weight.fill_(1.0)
                bn.bias.copy_(bias if bias is not None else torch.zeros(weight.shape[0]))
                bn.running_mean.zero_()
                bn.running_var.fill_(1.0 - bn.eps)  # (x − 0) / √(1 − ε + ε) · 1 + b = x + b
            elif bias is not None:
                if conv.bias is None:
                    raise ValueError(f"convolution {key} has an exported bias but none in the architecture")
                conv.bias.copy_(bias)
        for key, node in zip(kept, exported_norms):
            bn = modules[key]
            for target, name_ in zip((bn.weight, bn.bias, bn.running_mean, bn.running_var), node.input[1:5]):
                target.copy_(weights[name_])
        gemm = next(n for n in graph.node if n.op_type == "Gemm")
        linear = next(m for m in backbone.modules() if isinstance(m, torch.nn.Linear))
        linear.weight.copy_(weights[gemm.input[1]])
        linear.bias.copy_(weights[gemm.input[2]])
        model.adaptation.weight.copy_(weights[ADAPTATION_WEIGHT])
        model.adaptation.bias.copy_(weights[ADAPTATION_BIAS])
    return model


def save_checkpoint(name: str, path: str, work: str, run: str) -> str:
    """The imported model as `<work>/checkpoints/<run>/best.pt`, where `train --init-from <run>` starts from."""
    folder = os.path.join(work, "checkpoints", run)
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, "best.pt")
    torch.save(load_exported(name, path).state_dict(), target)
    return target


def check_against(model: torch.nn.Module, inputs: torch.Tensor, names: List[str], logits_csv: str, tolerance: float = 1e-3,
                  name: str = "resnet18") -> float:
    """The largest |Δ logit| between this module and ONNX Runtime on the same prepared slices; raises past `tolerance`."""
    readings = read([("onnx-runtime", logits_csv)])
    reference = {f.rsplit(".", 1)[0]: row for f, row in zip(readings.files, readings.logits[name].tolist())}
    with torch.no_grad():
        ours = model(inputs)
    worst = 0.0
    for name, row in zip(names, ours.tolist()):
        theirs = reference[name.rsplit(".", 1)[0]]
        worst = max(worst, max(abs(a - b) for a, b in zip(row, theirs)))
    if worst > tolerance:
        raise AssertionError(f"the imported model's logits differ from ONNX Runtime's by up to {worst:.2e}")
    return worst
