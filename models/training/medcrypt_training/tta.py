"""Test-time augmentation inside the exported graph: the model reads the slice and its left-right mirror and
averages the two logits. The mirror is taken after the adaptation stem, on what the backbone sees, so a
`block`-encrypted slice read through its key's stem is mirrored as its plain slice would be (mirroring the
ciphertext would not be). Measured by scripts/measure_tta.py; the card says what it gained and what it costs
(the backbone runs twice).
  python3 -m medcrypt_training.tta --onnx .work/baseline/resnet18.onnx --size 128 --out .work/resnet18-mirror.onnx
  python3 -m medcrypt_training.tta --model xception --run xception-shipped-continued --out ../xception.onnx
(the graph before the mirror: git show 1a94da5^:models/resnet18.onnx > .work/baseline/resnet18.onnx)"""
import argparse
import os
from typing import Optional, Sequence

import torch

from .models import load_checkpoint
from .onnx_export import export
from .onnx_import import load_exported


class MirrorAveraged(torch.nn.Module):
    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.adaptation, self.backbone = model.adaptation, model.backbone

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        seen = self.adaptation(x)
        return (self.backbone(seen) + self.backbone(seen.flip(3))) / 2


def main(argv: Optional[Sequence[str]] = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="resnet18")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--onnx", help="an export of the model without test-time augmentation")
    source.add_argument("--run", help="a training run's checkpoint folder under <work>/checkpoints")
    p.add_argument("--work", default=".work")
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    if args.onnx:
        model = load_exported(args.model, args.onnx)
    else:
        model = load_checkpoint(args.model, os.path.join(args.work, "checkpoints", args.run))
    print(export(MirrorAveraged(model), args.size, args.out))


if __name__ == "__main__":
    main()
