"""The prepared training set: loading, the stratified split (or a grouped split's lists), and the classes."""
import hashlib
import json
import os
import random
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
from torchvision.io import ImageReadMode, read_image

CLASSES = ["glioma", "meningioma", "notumor", "pituitary"]
TUMOR_CLASSES = ["glioma", "meningioma", "pituitary"]
SPLIT_SEED = 20261125
VALIDATION_SHARE = 0.15


def stratified_split(files_by_class: Dict[str, List[str]], seed: int = SPLIT_SEED,
                     validation_share: float = VALIDATION_SHARE) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    """Per class, a fixed-seed shuffle of the sorted file names; the first share goes to validation."""
    train, validation = [], []
    for label, files in sorted(files_by_class.items()):
        files = sorted(files)
        random.Random(f"{seed}/{label}").shuffle(files)
        cut = round(len(files) * validation_share)
        validation += [(f, label) for f in files[:cut]]
        train += [(f, label) for f in files[cut:]]
    return sorted(train), sorted(validation)


def prepared_files(folder: str) -> Tuple[dict, Dict[str, List[str]], Callable[[str], torch.Tensor]]:
    """The exporter's folder: its dataset.json, the PNG names ('class/name.png') by class, and a reader of one name."""
    with open(os.path.join(folder, "dataset.json"), encoding="utf-8") as f:
        meta = json.load(f)
    # A collection may lack classes (lgg-flair has only glioma and notumor): the exporter writes no folder for them.
    files_by_class = {c: [os.path.join(c, n) for n in os.listdir(os.path.join(folder, c)) if n.endswith(".png")]
                      if os.path.isdir(os.path.join(folder, c)) else [] for c in CLASSES}
    return meta, files_by_class, lambda f: read_image(os.path.join(folder, f), ImageReadMode.GRAY)


SPLIT_PARTS = ("train", "holdout", "validation")


def read_split(folder: str) -> Dict[str, List[str]]:
    """A grouped split's lists (scripts/make_splits.py writes them: .work/splits/brain-tumor-mri), part → names."""
    parts = {}
    for part in SPLIT_PARTS:
        with open(os.path.join(folder, f"{part}.txt"), encoding="utf-8") as f:
            parts[part] = sorted(line.strip() for line in f if line.strip())
    return parts


def listed_split(files_by_class: Dict[str, List[str]], parts: Dict[str, List[str]]) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    """The prepared files as (train + holdout, validation), by a grouped split's lists; every file must be listed."""
    label = {f: c for c, files in files_by_class.items() for f in files}
    listed = [f for p in SPLIT_PARTS for f in parts[p]]
    if sorted(listed) != sorted(label) or len(set(listed)) != len(listed):
        raise ValueError("the split's lists do not name exactly the prepared files, each once")
    return (sorted((f, label[f]) for f in parts["train"] + parts["holdout"]),
            sorted((f, label[f]) for f in parts["validation"]))


Stack = Tuple[torch.Tensor, torch.Tensor, List[str]]


def load_prepared(path: str, split: Optional[str] = None) -> Tuple[Stack, Stack, dict]:
    """All prepared PNGs as one uint8 tensor N×1×S×S, their labels, names, and the export's dataset.json. `path` is
    the exporter's folder or a file packed from it (pack.py): the same tensors, names and split either way. With
    `split` (a folder of a grouped split's lists) training is its train + holdout parts and validation its own;
    without, today's stratified file split."""
    if os.path.isfile(path):
        from .pack import read  # pack.py builds on this module
        meta, files_by_class, read_one = read(path)
    else:
        meta, files_by_class, read_one = prepared_files(path)
    train, validation = listed_split(files_by_class, read_split(split)) if split else stratified_split(files_by_class)

    def stack(items: Sequence[Tuple[str, str]]) -> Stack:
        images = torch.stack([read_one(f) for f, _ in items]) \
            if items else torch.zeros(0, 1, meta["size"], meta["size"], dtype=torch.uint8)
        labels = torch.tensor([CLASSES.index(label) for _, label in items], dtype=torch.long)
        return images, labels, [f for f, _ in items]

    return stack(train), stack(validation), meta


def split_fingerprint(names: Sequence[str]) -> str:
    """A short hash of a file list (the validation list, written with each model), so a split can be checked."""
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]
