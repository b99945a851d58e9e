"""The architectures, each behind a block-adaptation stem that lets it read `block`-encrypted images exactly."""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

BLOCK_SIZE = 4
# The ImageNet ResNet18 by name, and the side it reads each prepared slice at (None: as prepared; 224: ImageNet's).
RESNET18_READS_AT = {"resnet18": None, "resnet18-224": 224}
ADAPTATION_WEIGHT = "adaptation_weight"
ADAPTATION_BIAS = "adaptation_bias"


def space_to_depth(x: torch.Tensor, m: int) -> torch.Tensor:
    """ONNX SpaceToDepth (channel index (dy·M + dx)·C + c), the order of Crypto's BlockLinearMap."""
    n, c, h, w = x.shape
    x = x.reshape(n, c, h // m, m, w // m, m).permute(0, 3, 5, 1, 2, 4)
    return x.reshape(n, m * m * c, h // m, w // m)


def depth_to_space(x: torch.Tensor, m: int) -> torch.Tensor:
    n, mmc, hb, wb = x.shape
    c = mmc // (m * m)
    x = x.reshape(n, m, m, c, hb, wb).permute(0, 3, 4, 1, 5, 2)
    return x.reshape(n, c, hb * m, wb * m)


class BlockAdaptation(nn.Module):
    """Space-to-depth by M, a 1×1 convolution with bias over the M·M·3 values of each block, depth-to-space.
    Identity by default (and frozen); fed the inverse of a key's block map it undoes that key's encryption."""

    def __init__(self, block_size: int = BLOCK_SIZE, channels: int = 3, trainable: bool = False) -> None:
        super().__init__()
        n = block_size * block_size * channels
        self.block_size = block_size
        self.weight = nn.Parameter(torch.eye(n).reshape(n, n, 1, 1), requires_grad=trainable)
        self.bias = nn.Parameter(torch.zeros(n), requires_grad=trainable)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return depth_to_space(F.conv2d(space_to_depth(x, self.block_size), self.weight, self.bias), self.block_size)


class SeparableConv(nn.Sequential):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__(nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False), nn.Conv2d(cin, cout, 1, bias=False),
                         nn.BatchNorm2d(cout))


class XceptionBlock(nn.Module):
    """Separable convolutions with a residual connection (1×1 strided projection where the shape changes)."""

    def __init__(self, cin: int, cout: int, repeats: int, stride: int, relu_first: bool = True, grow_first: bool = True) -> None:
        super().__init__()
        layers, channels = [], cin
        for i in range(repeats):
            out = cout if (grow_first and i == 0) or (not grow_first and i == repeats - 1) else channels
            if i > 0 or relu_first:
                layers.append(nn.ReLU(inplace=False))
            layers.append(SeparableConv(channels, out))
            channels = out
        if stride != 1:
            layers.append(nn.MaxPool2d(3, stride, padding=1))
        self.body = nn.Sequential(*layers)
        self.skip = None if cin == cout and stride == 1 else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + (x if self.skip is None else self.skip(x))


class Xception(nn.Module):
    """Chollet 2017: entry flow, 8 middle-flow blocks, exit flow."""

    def __init__(self, num_classes: int = 4) -> None:
        super().__init__()
        self.entry = nn.Sequential(
            nn.Conv2d(3, 32, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            XceptionBlock(64, 128, 2, 2, relu_first=False),
            XceptionBlock(128, 256, 2, 2),
            XceptionBlock(256, 728, 2, 2))
        self.middle = nn.Sequential(*[XceptionBlock(728, 728, 3, 1) for _ in range(8)])
        self.exit = nn.Sequential(
            XceptionBlock(728, 1024, 2, 2, grow_first=False),
            SeparableConv(1024, 1536), nn.ReLU(),
            SeparableConv(1536, 2048), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classifier = nn.Linear(2048, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.exit(self.middle(self.entry(x))))


class Classifier(nn.Module):
    """The exported model: N×3×S×S normalised pixels → adaptation stem → backbone → 4 logits."""

    def __init__(self, backbone: nn.Module, trainable_adaptation: bool = False) -> None:
        super().__init__()
        self.adaptation = BlockAdaptation(trainable=trainable_adaptation)
        self.backbone = backbone

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.backbone(self.adaptation(x))


class TinyNet(nn.Sequential):
    """A few-kilobyte CNN with the same interface, for the Inference library's tests (never for diagnosis)."""

    def __init__(self, num_classes: int = 4) -> None:
        super().__init__(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(16, num_classes))


def build(name: str, num_classes: int = 4) -> nn.Module:
    if name == "densenet121":
        return Classifier(torchvision.models.densenet121(weights=None, num_classes=num_classes))
    if name == "xception":
        return Classifier(Xception(num_classes))
    if name == "tinynet":
        return Classifier(TinyNet(num_classes))
    if name in RESNET18_READS_AT:
        from .pretrained import ImageNetResNet18  # needs the restored package
        return Classifier(ImageNetResNet18(num_classes, reads_at=RESNET18_READS_AT[name]))
    raise ValueError(f"unknown architecture '{name}': densenet121, xception, resnet18, resnet18-224 or tinynet")


def load_checkpoint(name: str, folder: str) -> nn.Module:
    """A training run's best weights (`<folder>/best.pt`, as train.py keeps them) in the architecture `name`, on the CPU."""
    model = build(name)
    model.load_state_dict(torch.load(os.path.join(folder, "best.pt"), map_location="cpu"))
    return model
