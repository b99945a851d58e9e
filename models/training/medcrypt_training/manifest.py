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
        "datasetSha256SumsHash": report.get("dataset_sha256sums_hash"),
        "validation": report.get("validation"),
    }


def write(path: str, entries: List[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"version": 1, "models": entries}, f, indent=2)
        f.write("\n")


def upsert(path: str, new_entry: dict) -> None:
    """Adds the entry to models.json, replacing one of the same name; keeps the others."""
    entries = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            entries = [e for e in json.load(f)["models"] if e["name"] != new_entry["name"]]
    write(path, entries + [new_entry])
