"""Calibration and the screening operating point, from the evaluation command's logits (models/evaluation --logits):
each model's temperature fitted on the holdout (the NLL of softmax(z / T), a grid over log T), the expected
calibration error (15 bins, top-label confidence) before and after, and the tumor threshold on P(tumor) = 1 − P(notumor)
chosen on the holdout as the highest one that still finds ≥ the target share of tumors in every source; then the
validation figures per source at that threshold, for each model and for the ensemble (the mean of the calibrated
probabilities, as the Inference library computes it).

    python3 -m medcrypt_training.calibration --holdout brain-tumor-mri=h1.csv --holdout lgg-flair=h2.csv \
        --validation brain-tumor-mri=v1.csv --validation lgg-flair=v2.csv [--ensemble a,b] [--json out.json] [--manifest models.json]
"""
import argparse
import csv
import json
import math
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from . import per_source
from .data import CLASSES

NOTUMOR = CLASSES.index("notumor")
BINS = 15


class Readings:
    """One split's raw logits: per model an (n, 4) array, the true class indices, each row's source and, read from
    the C# evaluation's CSV, each row's file ('class/file.jpg' under its dataset)."""

    def __init__(self, logits: Dict[str, np.ndarray], labels: np.ndarray, sources: np.ndarray, files: Optional[List[str]] = None):
        self.logits, self.labels, self.sources, self.files = logits, labels, sources, files or []


def read(parts: Sequence[Tuple[str, str]]) -> Readings:
    """(source, csv path) pairs → one Readings; every file must name the same models."""
    logits: Dict[str, List[List[float]]] = {}
    labels: List[int] = []
    sources: List[str] = []
    files: List[str] = []
    for source, path in parts:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        models = list(dict.fromkeys(c.split(":")[0] for c in header[2:]))
        if logits and set(models) != set(logits):
            raise ValueError(f"{path} has models {models}, the others {sorted(logits)}")
        for m in models:
            columns = [header.index(f"{m}:{c}") for c in CLASSES]
            logits.setdefault(m, []).extend([[float(r[i]) for i in columns] for r in body])
        labels.extend(CLASSES.index(r[1]) for r in body)
        sources.extend(source for _ in body)
        files.extend(r[0] for r in body)
    return Readings({m: np.asarray(v, dtype=np.float64) for m, v in logits.items()}, np.asarray(labels), np.asarray(sources), files)


def softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    # As the Inference library: the difference from the maximum in float32, then divided in double.
    d = (z.astype(np.float32) - z.astype(np.float32).max(1, keepdims=True)).astype(np.float64) / temperature
    e = np.exp(d)
    return e / e.sum(1, keepdims=True)


def nll(p: np.ndarray, labels: np.ndarray) -> float:
    return float(-np.mean(np.log(np.clip(p[np.arange(len(labels)), labels], 1e-12, 1))))


def fit_temperature(z: np.ndarray, labels: np.ndarray) -> float:
    """The T in [0.05, 20] (log grid, then a finer one around the best) with the lowest holdout NLL."""
    grid = np.exp(np.linspace(math.log(0.05), math.log(20), 301))
    best = min(grid, key=lambda t: nll(softmax(z, t), labels))
    fine = best * np.exp(np.linspace(-0.03, 0.03, 61))
    return float(min(fine, key=lambda t: nll(softmax(z, t), labels)))


def ece(p: np.ndarray, labels: np.ndarray, bins: int = BINS) -> float:
    """Expected calibration error: the top-label confidence against accuracy in equal-width bins, weighted by count."""
    confidence, predicted = p.max(1), p.argmax(1)
    correct = predicted == labels
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def tumor_probability(p: np.ndarray) -> np.ndarray:
    return 1 - p[:, NOTUMOR]


def threshold_for(p_tumor: np.ndarray, labels: np.ndarray, sources: np.ndarray, sensitivity: float) -> float:
    """The highest threshold at which every source's tumor sensitivity is ≥ `sensitivity` (P(tumor) ≥ t is a tumor)."""
    tumor = labels != NOTUMOR
    limits = []
    for s in np.unique(sources):
        scores = np.sort(p_tumor[(sources == s) & tumor])
        if len(scores) == 0:
            continue
        missed = int(math.floor(len(scores) * (1 - sensitivity) + 1e-9))  # this many may fall below t
        limits.append(scores[missed])
    return float(min(limits)) if limits else 0.5


def by_source(p: np.ndarray, r: Readings, threshold: float) -> Dict[str, dict]:
    """The training pipeline's per-source screening figures (per_source.screening), on these probabilities."""
    probabilities, labels = torch.from_numpy(p), torch.from_numpy(r.labels)
    return {str(s): per_source.screening(probabilities[r.sources == s], labels[r.sources == s], threshold) for s in np.unique(r.sources)}


def screening_score(p: np.ndarray, r: Readings, sensitivity: float = 0.98) -> float:
    """What the operating point costs: the lowest source's tumor-free share cleared (`by_source`) at `threshold_for`'s
    threshold. The checkpoint a screen ships should be the one that clears most at the sensitivity it will be held to."""
    figures = by_source(p, r, threshold_for(tumor_probability(p), r.labels, r.sources, sensitivity))
    cleared = [f["tumor_specificity"] for f in figures.values() if f["tumor_free"]]
    return min(cleared) if cleared else float("nan")


def calibrate(holdout: Readings, validation: Readings, ensemble: Sequence[str], sensitivity: float = 0.98) -> dict:
    report: dict = {"sensitivity_target": sensitivity, "models": {}}
    calibrated_h: Dict[str, np.ndarray] = {}
    calibrated_v: Dict[str, np.ndarray] = {}
    for m, z in holdout.logits.items():
        t = fit_temperature(z, holdout.labels)
        calibrated_h[m], calibrated_v[m] = softmax(z, t), softmax(validation.logits[m], t)
        threshold = threshold_for(tumor_probability(calibrated_h[m]), holdout.labels, holdout.sources, sensitivity)
        report["models"][m] = {
            "temperature": t,
            "holdout_nll": {"before": nll(softmax(z), holdout.labels), "after": nll(calibrated_h[m], holdout.labels)},
            "ece": {"holdout_before": ece(softmax(z), holdout.labels), "holdout_after": ece(calibrated_h[m], holdout.labels),
                    "validation_before": ece(softmax(validation.logits[m]), validation.labels),
                    "validation_after": ece(calibrated_v[m], validation.labels)},
            "tumor_threshold": threshold,
            "holdout": by_source(calibrated_h[m], holdout, threshold),
            "validation": by_source(calibrated_v[m], validation, threshold),
            "validation_at_0_5": by_source(calibrated_v[m], validation, 0.5),
        }
    ph = np.mean([calibrated_h[m] for m in ensemble], 0)
    pv = np.mean([calibrated_v[m] for m in ensemble], 0)
    threshold = threshold_for(tumor_probability(ph), holdout.labels, holdout.sources, sensitivity)
    report["ensemble"] = {"models": list(ensemble), "ece": {"holdout": ece(ph, holdout.labels), "validation": ece(pv, validation.labels)},
                          "tumor_threshold": threshold, "holdout": by_source(ph, holdout, threshold),
                          "validation": by_source(pv, validation, threshold)}
    return report


def _screening(figures: Dict[str, dict]) -> Dict[str, dict]:
    """What an operating point found and cleared on the validation split, per source: the counts the portal shows."""
    return {s: {"tumors": f["tumors"], "tumorsFound": f["tumors_found"], "tumorFree": f["tumor_free"], "tumorFreeCleared": f["tumor_free_cleared"]}
            for s, f in figures.items()}


def write_manifest(path: str, report: dict) -> None:
    """Each model's temperature and threshold, and the ensemble's threshold, into models.json, each with what it found
    and cleared on the validation split (shown beside every verdict and on /admin/system); the rest as it was."""
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    for entry in manifest["models"]:
        fitted = report["models"].get(entry["name"])
        if fitted:
            entry["temperature"] = round(fitted["temperature"], 6)
            entry["tumorThreshold"] = round(fitted["tumor_threshold"], 6)
            entry["screeningValidation"] = _screening(fitted["validation"])
    manifest["ensembleTumorThreshold"] = round(report["ensemble"]["tumor_threshold"], 6)
    manifest["ensembleScreeningValidation"] = _screening(report["ensemble"]["validation"])
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def default_ensemble(manifest_path: Optional[str], models: List[str]) -> List[str]:
    """The models the portal will average: the manifest's inEnsemble ones (true unless set) among those read, so the
    threshold written is the ensemble's the portal runs, not one of every model in the logits."""
    if not manifest_path:
        return models
    with open(manifest_path, encoding="utf-8") as f:
        members = {e["name"] for e in json.load(f)["models"] if e.get("inEnsemble", True)}
    chosen = [m for m in models if m in members]
    if not chosen:
        raise SystemExit(f"none of the models read ({', '.join(models)}) is in {manifest_path}'s ensemble")
    return chosen


def _pairs(values: Optional[List[str]]) -> List[Tuple[str, str]]:
    return [tuple(v.split("=", 1)) for v in values or []]  # type: ignore[misc]


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="append", required=True, help="source=logits.csv")
    parser.add_argument("--validation", action="append", required=True, help="source=logits.csv")
    parser.add_argument("--ensemble", help="models averaged (default: the --manifest's inEnsemble models, else all)")
    parser.add_argument("--sensitivity", type=float, default=0.98)
    parser.add_argument("--json")
    parser.add_argument("--manifest")
    args = parser.parse_args(argv)
    holdout, validation = read(_pairs(args.holdout)), read(_pairs(args.validation))
    ensemble = args.ensemble.split(",") if args.ensemble else default_ensemble(args.manifest, list(holdout.logits))
    report = calibrate(holdout, validation, ensemble, args.sensitivity)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    if args.manifest:
        write_manifest(args.manifest, report)


if __name__ == "__main__":
    main()
