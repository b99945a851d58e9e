"""models/models.json: what the Inference library needs to run each model, and where it came from."""
import hashlib
import json
import os
from typing import List, Optional

from .data import CLASSES, TUMOR_CLASSES
from .models import ADAPTATION_BIAS, ADAPTATION_WEIGHT, BLOCK_SIZE
from .onnx_export import INPUT, OUTPUT


def sha256(path: str) -> str:
    """A file's SHA-256 (hex), as the portal checks each graph against the manifest before loading it."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def entry(name: str, onnx_path: str, size: int, mean: List[float], std: List[float], report: Optional[dict] = None) -> dict:
    sha = sha256(onnx_path)
    report = report or {}
    # The portal reads datasetSha256SumsHash as one collection's hash (a string); a model trained on several names them in trainingData.
    hashes = report.get("dataset_sha256sums_hash")
    return {
        "name": name,
        "file": os.path.basename(onnx_path),
        "sha256": sha,
        "input": INPUT,
        "output": OUTPUT,
        "outputKind": "logits",
        "size": size,
        "normalisation": {"scale": 1 / 255, "mean": mean, "std": std},
        "classes": CLASSES,
        "tumorClasses": TUMOR_CLASSES,
        "blockSize": BLOCK_SIZE,
        "adaptationWeight": ADAPTATION_WEIGHT,
        "adaptationBias": ADAPTATION_BIAS,
        "datasetSha256SumsHash": hashes if isinstance(hashes, str) else None,
        "validation": report.get("validation"),
        **({"trainingData": hashes} if isinstance(hashes, dict) else {}),
        **({"validationBySource": report["validation_by_source"]} if "validation_by_source" in report else {}),
    }


def write(path: str, entries: List[dict], top: Optional[dict] = None) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"version": 1, "models": entries, **(top or {})}, f, indent=2)
        f.write("\n")


def upsert(path: str, new_entry: dict) -> None:
    """Adds the entry to models.json in the place of one of the same name, and keeps the others. A replaced entry's
    `inEnsemble` is kept unless the new entry sets one; a new name joins the ensemble, as the portal's default.
    The new weights have no temperature or threshold until calibration.py sets them, and the ensemble's operating point
    is kept only where the new entry is outside the ensemble, since it was chosen for the weights it replaces."""
    entries, top = [], {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
        entries = saved["models"]
        top = {k: v for k, v in saved.items() if k not in ("version", "models")}
    names = [e["name"] for e in entries]
    if new_entry["name"] in names:
        replaced = entries[names.index(new_entry["name"])]
        if "inEnsemble" in replaced and "inEnsemble" not in new_entry:
            new_entry = {**new_entry, "inEnsemble": replaced["inEnsemble"]}
        entries[names.index(new_entry["name"])] = new_entry
    else:
        entries.append(new_entry)
    if new_entry.get("inEnsemble", True):
        top = {k: v for k, v in top.items() if not k.startswith("ensemble")}
    write(path, entries, top)
