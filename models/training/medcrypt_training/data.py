"""The prepared training set: loading, the stratified split, and the classes."""
import hashlib
import json
import os
import random

import torch
from torchvision.io import ImageReadMode, read_image

CLASSES = ["glioma", "meningioma", "notumor", "pituitary"]
TUMOR_CLASSES = ["glioma", "meningioma", "pituitary"]
SPLIT_SEED = 20261125
VALIDATION_SHARE = 0.15


def stratified_split(files_by_class, seed=SPLIT_SEED, validation_share=VALIDATION_SHARE):
    """Per class, a fixed-seed shuffle of the sorted file names; the first share goes to validation."""
    train, validation = [], []
    for label, files in sorted(files_by_class.items()):
        files = sorted(files)
        random.Random(f"{seed}/{label}").shuffle(files)
        cut = round(len(files) * validation_share)
        validation += [(f, label) for f in files[:cut]]
        train += [(f, label) for f in files[cut:]]
    return sorted(train), sorted(validation)


def prepared_files(folder):
    """The exporter's folder: its dataset.json, the PNG names ('class/name.png') by class, and a reader of one name."""
    with open(os.path.join(folder, "dataset.json"), encoding="utf-8") as f:
        meta = json.load(f)
    files_by_class = {c: [os.path.join(c, n) for n in os.listdir(os.path.join(folder, c)) if n.endswith(".png")]
                      for c in CLASSES}
    return meta, files_by_class, lambda f: read_image(os.path.join(folder, f), ImageReadMode.GRAY)


def load_prepared(path):
    """All prepared PNGs as one uint8 tensor N×1×S×S, their labels, names, and the export's dataset.json. `path` is
    the exporter's folder or a file packed from it (pack.py): the same tensors, names and split either way."""
    if os.path.isfile(path):
        from .pack import read  # pack.py builds on this module
        meta, files_by_class, read_one = read(path)
    else:
        meta, files_by_class, read_one = prepared_files(path)
    train, validation = stratified_split(files_by_class)

    def stack(items):
        images = torch.stack([read_one(f) for f, _ in items]) \
            if items else torch.zeros(0, 1, meta["size"], meta["size"], dtype=torch.uint8)
        labels = torch.tensor([CLASSES.index(label) for _, label in items], dtype=torch.long)
        return images, labels, [f for f, _ in items]

    return stack(train), stack(validation), meta


def split_fingerprint(names):
    """A short hash of the validation file list, written with each model so the split can be checked."""
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]
