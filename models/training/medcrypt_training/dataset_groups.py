"""Groups of the shared datasets' slices that a split must keep together: near-duplicates (any collection, across
collections too) and, in lgg-flair, each patient's slices. Hashes are computed once and cached under .work/
(git-ignored). Names are 'collection:class/file' (brain-tumor-mri files keep their .jpg name here)."""
import csv
import hashlib
import json
import os
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

from .near_duplicates import MIN_CORRELATION, RADIUS, close_pairs, confirmed_pairs, distances, group_ids, phash_file, thumbnail

DATASETS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "datasets"))
COLLECTIONS = ["brain-tumor-mri", "lgg-flair"]
CACHE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".work", "phash.json")


def dataset_root(datasets: str = DATASETS) -> str:
    """/work/shared/datasets by default (beside the checkout); MEDCRYPT_DATASETS overrides it."""
    return os.environ.get("MEDCRYPT_DATASETS", datasets)


def collection_files(collection: str, root: str) -> List[str]:
    """'class/file' of every image of one collection, sorted."""
    folder = os.path.join(root, collection)
    return sorted(os.path.join(c, n) for c in sorted(os.listdir(folder)) if os.path.isdir(os.path.join(folder, c))
                  for n in os.listdir(os.path.join(folder, c)) if n.lower().endswith((".jpg", ".jpeg", ".png")))


def datasets_version(root: str) -> str:
    """A hash of the collections' SHA256SUMS: the cache is only reused for the same files."""
    digest = hashlib.sha256()
    for c in COLLECTIONS:
        with open(os.path.join(root, c, "SHA256SUMS"), "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def load_or_compute(root: str = "", cache: str = CACHE) -> Tuple[List[str], List[int]]:
    """Every slice's name and pHash, from the cache when it was made from the same files."""
    root = root or dataset_root()
    version = datasets_version(root)
    if os.path.exists(cache):
        with open(cache, encoding="utf-8") as f:
            saved = json.load(f)
        if saved.get("version") == version:
            return saved["names"], [int(h, 16) for h in saved["hashes"]]
    names = [f"{c}:{f}" for c in COLLECTIONS for f in collection_files(c, root)]
    hashes = [phash_file(os.path.join(root, *n.split(":", 1))) for n in names]
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache, "w", encoding="utf-8") as f:
        json.dump({"version": version, "names": names, "hashes": [f"{h:016x}" for h in hashes]}, f)
    return names, hashes


def read_gray(name: str, root: str = "") -> np.ndarray:
    """One slice as 8-bit gray, by its 'collection:class/file' name."""
    collection, file = name.split(":", 1)
    with Image.open(os.path.join(root or dataset_root(), collection, file)) as im:
        return np.asarray(im.convert("L"))


def lgg_patients(root: str = "") -> Dict[str, str]:
    """'lgg-flair:class/file' → patient, from the collection's manifest.csv."""
    with open(os.path.join(root or dataset_root(), "lgg-flair", "manifest.csv"), encoding="utf-8", newline="") as f:
        return {f"lgg-flair:{row['file']}": row["patient"] for row in csv.DictReader(f)}


def group_slices(names: Sequence[str], hashes: Sequence[int], read: Callable[[str], np.ndarray],
                 patients: Optional[Dict[str, str]] = None, radius: int = RADIUS,
                 min_correlation: float = MIN_CORRELATION) -> Dict[str, str]:
    """name → group id: hash pairs within `radius` whose pixels correlate, joined with same-patient slices."""
    thumbs: Dict[int, np.ndarray] = {}

    def thumb(k: int) -> np.ndarray:
        if k not in thumbs:
            thumbs[k] = thumbnail(read(names[k]))
        return thumbs[k]

    pairs = confirmed_pairs(close_pairs(distances(hashes), radius), thumb, min_correlation)
    first: Dict[str, int] = {}
    for k, name in enumerate(names):
        patient = (patients or {}).get(name)
        if patient is not None:
            pairs.append((first.setdefault(patient, k), k))  # a chain to the patient's first slice
    return group_ids(names, pairs)
