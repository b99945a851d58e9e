"""The ImageNet ResNet18 that Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (MIT) ships as ONNX (exported from
CNTK, opset 8), rebuilt as a trainable PyTorch module from its initializers.

Its graph holds only Conv, BatchNormalization, Relu, Add, MaxPool and AveragePool, so the module replays the graph
node by node: asymmetric pads (CNTK's [3, 3, 2, 2] on the first convolution, [1, 1, 0, 0] on the max-pool and on
the strided 3×3 convolutions) become explicit padding, and the final 7×7 average pool becomes a global one so any
input size works (identical at 224). Input: BGR, 0–255 minus the package's per-channel mean (ResNetPreprocess.onnx).
Restore the package first: dotnet restore models/training/pretrained/ResNet18Restore.csproj"""
import os
from typing import List, Optional

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

from .manifest import sha256  # noqa: F401 (pretrained.sha256: the package file is checked as a graph is)

PACKAGE = os.path.join(os.path.dirname(__file__), "..", ".work", "nuget", "microsoft.ml.dnnimagefeaturizer.resnet18", "0.23.1",
                       "tools", "DnnImageModels")
RESNET18_ONNX = os.path.join(PACKAGE, "ResNet18Onnx", "ResNet18.onnx")
PREPROCESS_ONNX = os.path.join(PACKAGE, "ResNetPrepOnnx", "ResNetPreprocess.onnx")


def _attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class OnnxResNet18(nn.Module):
    """Replays the featurizer's graph; outputs N×512 pooled features."""

    def __init__(self, path: str = RESNET18_ONNX) -> None:
        super().__init__()
        graph = onnx.load(path).graph
        weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
        self.input_name = graph.input[0].name
        self.output_name = graph.output[0].name
        self.layers = nn.ModuleDict()
        self.steps = []
        for index, node in enumerate(graph.node):
            a = _attributes(node)
            key = f"n{index}"
            if node.op_type == "Conv":
                w = weights[node.input[1]]
                conv = nn.Conv2d(w.shape[1], w.shape[0], tuple(w.shape[2:]), stride=tuple(a["strides"]),
                                 bias=len(node.input) > 2, groups=a.get("group", 1))
                conv.weight.data.copy_(w)
                if len(node.input) > 2:
                    conv.bias.data.copy_(weights[node.input[2]])
                self.layers[key] = conv
            elif node.op_type == "BatchNormalization":
                scale, bias, mean, var = (weights[n] for n in node.input[1:5])
                bn = nn.BatchNorm2d(scale.numel(), eps=a["epsilon"])
                bn.weight.data.copy_(scale.flatten())
                bn.bias.data.copy_(bias.flatten())
                bn.running_mean.copy_(mean.flatten())
                bn.running_var.copy_(var.flatten())
                self.layers[key] = bn
            elif node.op_type not in ("Relu", "Add", "MaxPool", "AveragePool"):
                raise ValueError(f"unexpected {node.op_type} in {path}")
            self.steps.append((node.op_type, key, list(node.input), node.output[0], a))

    @staticmethod
    def _pad(x, pads, value=0.0):
        top, left, bottom, right = pads  # ONNX order: begin of H, W, then end of H, W
        return F.pad(x, (left, right, top, bottom), value=value) if any(pads) else x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        values = {self.input_name: x}
        for op, key, inputs, output, a in self.steps:
            if op == "Conv":
                y = self.layers[key](self._pad(values[inputs[0]], a.get("pads", [0, 0, 0, 0])))
            elif op == "BatchNormalization":
                y = self.layers[key](values[inputs[0]])
            elif op == "Relu":
                y = F.relu(values[inputs[0]])
            elif op == "Add":
                y = values[inputs[0]] + values[inputs[1]]
            elif op == "MaxPool":
                y = F.max_pool2d(self._pad(values[inputs[0]], a.get("pads", [0, 0, 0, 0]), float("-inf")),
                                 a["kernel_shape"], a["strides"])
            else:  # the final 7×7 AveragePool, global here
                y = F.adaptive_avg_pool2d(values[inputs[0]], 1)
            values[output] = y
        return values[self.output_name].flatten(1)


def channel_means_bgr(path: str = PREPROCESS_ONNX) -> List[float]:
    mean_image = numpy_helper.to_array(onnx.load(path).graph.initializer[0])
    return [float(mean_image[0, c].mean()) for c in range(3)]


class ImageNetResNet18(nn.Module):
    """Our normalised input ((pixel/255 − 0.5)/0.5, gray in three channels) → the featurizer's input → features → 4 logits.
    reads_at: the side the slice is resized to (bilinear, inside the graph) before the backbone, e.g. 224, the size
    ImageNet trained it at; None reads the prepared slice as it is. No weights depend on it."""

    def __init__(self, num_classes: int = 4, reads_at: Optional[int] = None) -> None:
        super().__init__()
        self.reads_at = reads_at
        self.features = OnnxResNet18()
        self.register_buffer("mean_bgr", torch.tensor(channel_means_bgr()).view(1, 3, 1, 1))
        self.classifier = nn.Linear(512, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.reads_at and x.shape[-1] != self.reads_at:
            x = F.interpolate(x, size=(self.reads_at, self.reads_at), mode="bilinear", align_corners=False)
        pixels_bgr = (x.flip(1) * 0.5 + 0.5) * 255  # RGB → BGR; for gray slices the three channels are equal anyway
        return self.classifier(self.features(pixels_bgr - self.mean_bgr))
