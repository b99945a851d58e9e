"""How much the choice of holdout patients decides a comparison of two graphs: the screening figure (the lowest
collection's tumor-free share cleared at the threshold that finds >= 98 % of each collection's tumors, on calibrated
probabilities, calibration.screening_score) and the lgg-flair ROC AUC of each graph, recomputed on holdouts drawn with
replacement by lgg-flair patient (brain-tumor-mri has no patient ids: its slices stay as they are). Each graph's
temperature is refitted on every draw. What it does not give: a calibrated interval. The figure hangs on a few of the
lowest-scoring tumors, 22 patients are few clusters for a percentile bootstrap, the brain-tumor-mri rows are held
fixed, and a checkpoint chosen on this holdout is not re-chosen per draw. Reads the C# evaluation command's --logits of each graph on both holdout lists.
  cd models/training && /usr/bin/python3 scripts/bootstrap_screening.py --dataset ../../../shared/datasets/lgg-flair \
      --a shipped=<folder> --b candidate=<folder> [--model resnet18] [--draws 1000]
where each folder holds brain-tumor-mri-holdout.csv and lgg-flair-holdout.csv."""
import argparse
import csv
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # the package beside scripts/
from medcrypt_training.calibration import (NOTUMOR, Readings, fit_temperature, read, screening_score, softmax,  # noqa: E402
                                           tumor_probability)
from medcrypt_training.metrics import roc_auc  # noqa: E402


def figures(r: Readings, model: str, rows: np.ndarray) -> tuple[float, float]:
    """(screening figure, lgg-flair AUC) of the holdout made of these rows."""
    z, labels, sources = r.logits[model][rows], r.labels[rows], r.sources[rows]
    drawn = Readings({model: z}, labels, sources)
    p = softmax(z, fit_temperature(z, labels))
    flair = sources == "lgg-flair"
    return screening_score(p, drawn), roc_auc(torch.from_numpy(tumor_probability(p)[flair]), torch.from_numpy(labels[flair] != NOTUMOR))


def draws(patients: list[str], fixed: np.ndarray, by_patient: dict[str, np.ndarray], count: int, seed: int):
    """Row indices of `count` holdouts: the fixed rows plus lgg-flair patients drawn with replacement."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        chosen = rng.choice(len(patients), size=len(patients), replace=True)
        yield np.concatenate([fixed] + [by_patient[patients[i]] for i in chosen])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dataset", required=True, help="lgg-flair: its manifest.csv names each slice's patient")
    p.add_argument("--a", required=True, help="name=folder")
    p.add_argument("--b", required=True, help="name=folder")
    p.add_argument("--model", default="resnet18", help="the model's name in each folder's logits (or a=,b= names)")
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--seed", type=int, default=20261208)
    a = p.parse_args()
    models = dict(m.split("=") for m in a.model.split(",")) if "=" in a.model else {"a": a.model, "b": a.model}
    graphs = {}
    for key, spec in (("a", a.a), ("b", a.b)):
        name, folder = spec.split("=", 1)
        graphs[key] = (name, read([(s, os.path.join(folder, f"{s}-holdout.csv")) for s in ("brain-tumor-mri", "lgg-flair")]))
    ra, rb = graphs["a"][1], graphs["b"][1]
    if ra.files != rb.files:
        raise SystemExit("the two folders' logits are not of the same slices in the same order")
    with open(os.path.join(a.dataset, "manifest.csv"), newline="", encoding="utf-8") as f:
        patient_of = {os.path.splitext(r["file"])[0]: r["patient"] for r in csv.DictReader(f)}
    stems = [os.path.splitext(f)[0] for f in ra.files]
    flair = ra.sources == "lgg-flair"
    fixed = np.flatnonzero(~flair)
    by_patient = {patient: np.array([i for i in np.flatnonzero(flair) if patient_of[stems[i]] == patient])
                  for patient in {patient_of[stems[i]] for i in np.flatnonzero(flair)}}
    patients = sorted(by_patient)
    everything = np.arange(len(stems))
    observed = {k: figures(graphs[k][1], models[k], everything) for k in ("a", "b")}
    differences = []
    for rows in draws(patients, fixed, by_patient, a.draws, a.seed):
        fa, fb = figures(ra, models["a"], rows), figures(rb, models["b"], rows)
        differences.append((fb[0] - fa[0], fb[1] - fa[1]))
    d = np.array(differences)
    report = {"patients": len(patients), "draws": a.draws,
              "observed": {graphs[k][0]: {"screening": observed[k][0], "lgg_flair_auc": observed[k][1]} for k in ("a", "b")}}
    for j, what in enumerate(("screening", "lgg_flair_auc")):
        report[f"{graphs['b'][0]} minus {graphs['a'][0]}: {what}"] = {
            "interval_95": [float(np.quantile(d[:, j], 0.025)), float(np.quantile(d[:, j], 0.975))],
            "share_of_draws_b_ahead": float(np.mean(d[:, j] > 0)), "share_of_draws_tied": float(np.mean(d[:, j] == 0))}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
