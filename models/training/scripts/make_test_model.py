"""Writes the Inference tests' fixture: an untrained TinyNet (32×32, fixed seed) with the real models' interface.
  cd models/training && /usr/bin/python3 scripts/make_test_model.py ../../tests/MedCrypt.Inference.Tests/Assets"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # the package beside scripts/
from medcrypt_training import manifest  # noqa: E402
from medcrypt_training.models import build  # noqa: E402
from medcrypt_training.onnx_export import export  # noqa: E402

SIZE = 32


def main(folder: str) -> None:
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
