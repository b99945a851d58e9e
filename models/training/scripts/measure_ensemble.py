"""Which ensemble screens best? Each candidate's logits on the grouped holdout and validation of both collections,
each model calibrated on the holdout, and for every combination of candidates (one per architecture) the mean of the
calibrated probabilities at the threshold that finds >= 98 % of the holdout's tumors in each collection (calibration.py,
as the Inference library computes the ensemble), and what it gives on validation. Candidates: the shipped graphs
(read back by onnx_import), a run's best checkpoint, each also read with the left-right mirror (tta.py).
  cd models/training && OMP_NUM_THREADS=2 /usr/bin/python3 scripts/measure_ensemble.py \
      --candidate resnet18=resnet18@onnx:.work/baseline/resnet18.onnx --candidate xception=xception@run:xception-shipped-continued \
      --mirror resnet18 --mirror xception ...
(a candidate's logits are kept in .work/ensemble-logits/<label>.npz and read from there the next time)"""
import argparse
import itertools
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # the package beside scripts/
from medcrypt_training.calibration import Readings, calibrate, softmax  # noqa: E402
from medcrypt_training.models import load_checkpoint  # noqa: E402
from medcrypt_training.onnx_import import load_exported  # noqa: E402
from medcrypt_training.sources import load_sources  # noqa: E402
from medcrypt_training.steps import to_input  # noqa: E402
from medcrypt_training.tta import MirrorAveraged  # noqa: E402


@torch.no_grad()
def logits(model, images, batch=64):
    model.eval()
    return torch.cat([model(to_input(images[i:i + batch].float() / 255)) for i in range(0, len(images), batch)]).numpy()


def load(architecture, where, work):
    kind, path = where.split(":", 1)
    if kind == "onnx":
        return load_exported(architecture, path)
    return load_checkpoint(architecture, os.path.join(work, "checkpoints", path))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--candidate", action="append", required=True, help="label=architecture@onnx:<path> or label=architecture@run:<checkpoint folder>")
    p.add_argument("--mirror", action="append", default=[], help="a candidate's label: also read it with the mirror")
    p.add_argument("--work", default=".work")
    p.add_argument("--out", default=".work/ensembles.json")
    args = p.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    work = args.work
    sources = load_sources([f"{work}/prepared-128", f"{work}/prepared-lgg-flair-128"],
                           [f"{work}/splits/brain-tumor-mri", f"{work}/splits/lgg-flair"])
    train_x, train_y, _ = sources.train
    val_x, val_y, _ = sources.validation
    held = sources.is_holdout
    hold_x, hold_y, hold_s = train_x[held], train_y[held], sources.train_source[held]
    hold, val, architecture_of = {}, {}, {}
    for spec in args.candidate:
        label, rest = spec.split("=", 1)
        architecture, where = rest.split("@", 1)
        model = load(architecture, where, work)
        variants = {label: model}
        if label in args.mirror:
            variants[f"{label}+mirror"] = MirrorAveraged(model)
        for name, m in variants.items():
            cache = os.path.join(work, "ensemble-logits", f"{name}.npz")
            if os.path.exists(cache):
                saved = np.load(cache)
                hold[name], val[name] = saved["holdout"], saved["validation"]
            else:
                hold[name], val[name] = logits(m, hold_x), logits(m, val_x)
                os.makedirs(os.path.dirname(cache), exist_ok=True)
                np.savez(cache, holdout=hold[name], validation=val[name])
            architecture_of[name] = architecture
            print(f"{name}: logits done", flush=True)
    holdout = Readings(hold, hold_y.numpy(), hold_s.numpy())
    validation = Readings(val, val_y.numpy(), sources.validation_source.numpy())
    names = list(hold)
    report = {}
    print(f"| ensemble | threshold | holdout cleared (chosen by) | {sources.names[0]} 4-class accuracy | validation: brain-tumor-mri found / cleared | lgg-flair found / cleared |")
    print("|---|---|---|---|---|---|")
    for k in range(1, len(names) + 1):
        for combo in itertools.combinations(names, k):
            if len({architecture_of[n] for n in combo}) < k:
                continue  # one reading per architecture, as the portal runs each model once
            r = calibrate(holdout, validation, list(combo), 0.98)
            e = r["ensemble"]
            probabilities = np.mean([softmax(val[n], r["models"][n]["temperature"]) for n in combo], 0)
            accuracy = {sources.names[s]: float((probabilities.argmax(1) == validation.labels)[validation.sources == s].mean())
                        for s in np.unique(validation.sources)}
            v = e["validation"]
            cells = " | ".join(f"{v[str(s)]['tumor_sensitivity']:.2%} / {v[str(s)]['tumor_specificity']:.2%}" for s in sorted(v))
            held_out = " / ".join(f"{e['holdout'][str(s)]['tumor_specificity']:.2%}" for s in sorted(e["holdout"]))
            report[" + ".join(combo)] = {"accuracy": accuracy, **r}
            print(f"| {' + '.join(combo)} | {e['tumor_threshold']:.4f} | {held_out} | {accuracy[sources.names[0]]:.2%} | {cells} |", flush=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, default=float)


if __name__ == "__main__":
    main()
