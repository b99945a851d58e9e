"""Untrained DenseNet-121 and Xception at a given size, saved both as PyTorch weights and as ONNX with a manifest,
so the inference benchmark compares the two runtimes on identical models (speed does not depend on training).
  cd models/training && /usr/bin/python3 scripts/make_bench_models.py .work/bench 128"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # the package beside scripts/
from medcrypt_training import manifest  # noqa: E402
from medcrypt_training.models import build  # noqa: E402
from medcrypt_training.onnx_export import export  # noqa: E402


def main(folder: str, size: int) -> None:
    os.makedirs(folder, exist_ok=True)
    entries = []
    for name in ["densenet121", "xception"]:
        torch.manual_seed(1)
        model = build(name).eval()
        torch.save(model.state_dict(), os.path.join(folder, f"{name}.pt"))
        path = export(model, size, os.path.join(folder, f"{name}.onnx"))
        entries.append(manifest.entry(name, path, size, [0.5] * 3, [0.5] * 3))
    manifest.write(os.path.join(folder, "models.json"), entries)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
