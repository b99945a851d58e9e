"""Does test-time augmentation help the shipped resnet18? Each variant's logits on the grouped holdout and
validation of both collections (the shipped ONNX read back, medcrypt_training/onnx_import.py), calibrated on the
holdout, the threshold for >= 98 % holdout sensitivity in each collection, and what it gives on validation.
Variants: none; the mean logit of the slice and its left-right mirror; of the slice and three flips. It reads the
graph before the mirror was shipped (.work/baseline/resnet18.onnx: git show 1a94da5^:models/resnet18.onnx).
  cd models/training && OMP_NUM_THREADS=2 /usr/bin/python3 scripts/measure_tta.py"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # the package beside scripts/
from medcrypt_training.calibration import Readings, calibrate  # noqa: E402
from medcrypt_training.onnx_import import load_resnet18  # noqa: E402
from medcrypt_training.sources import load_sources  # noqa: E402
from medcrypt_training.steps import to_input  # noqa: E402

WORK = ".work"
VARIANTS = {
    "none": [lambda x: x],
    "mirror (left-right)": [lambda x: x, lambda x: x.flip(3)],
    "four flips": [lambda x: x, lambda x: x.flip(3), lambda x: x.flip(2), lambda x: x.flip(2).flip(3)],
}


@torch.no_grad()
def logits(model, images, views, batch=64):
    out = []
    for i in range(0, len(images), batch):
        x = to_input(images[i:i + batch].float() / 255)
        out.append(torch.stack([model(v(x)) for v in views]).mean(0))
    return torch.cat(out).numpy()


def main():
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    sources = load_sources([f"{WORK}/prepared-128", f"{WORK}/prepared-lgg-flair-128"],
                           [f"{WORK}/splits/brain-tumor-mri", f"{WORK}/splits/lgg-flair"])
    model = load_resnet18(f"{WORK}/baseline/resnet18.onnx")
    train_x, train_y, _ = sources.train
    val_x, val_y, _ = sources.validation
    held = sources.is_holdout
    hold_x, hold_y, hold_s = train_x[held], train_y[held], sources.train_source[held]
    report = {}
    for name, views in VARIANTS.items():
        holdout = Readings({name: logits(model, hold_x, views)}, hold_y.numpy(), hold_s.numpy())
        validation = Readings({name: logits(model, val_x, views)}, val_y.numpy(), sources.validation_source.numpy())
        for target in (0.98, 0.95):
            r = calibrate(holdout, validation, [name], target)["models"][name]
            report[f"{name} @ {target:.0%}"] = r
            v = r["validation"]
            cells = " | ".join(f"{v[str(s)]['tumor_sensitivity']:.2%} / {v[str(s)]['tumor_specificity']:.2%}" for s in sorted(v))
            print(f"| {name} | ≥ {target:.0%} | {r['temperature']:.3f} | {r['tumor_threshold']:.4f} | {cells} |", flush=True)
    with open(f"{WORK}/tta.json", "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, default=float)


if __name__ == "__main__":
    main()
