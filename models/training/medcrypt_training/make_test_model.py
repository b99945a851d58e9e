"""Writes the Inference tests' fixture: an untrained TinyNet (32×32, fixed seed) with the real models' interface.
  cd models/training && /usr/bin/python3 -m medcrypt_training.make_test_model ../../tests/MedCrypt.Inference.Tests/Assets"""
import os
import sys

import torch

from . import manifest
from .models import build
from .onnx_export import export

SIZE = 32


def main(folder):
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(20261125)
    entries = []
    for name in ["tiny-a", "tiny-b"]:
        model = build("tinynet")
        path = export(model, SIZE, os.path.join(folder, f"{name}.onnx"))
        entries.append(manifest.entry(name, path, SIZE, [0.5] * 3, [0.5] * 3))
    manifest.write(os.path.join(folder, "models.json"), entries)


if __name__ == "__main__":
    main(sys.argv[1])
