"""Several prepared sets trained as one (e.g. brain-tumor-mri with lgg-flair): each read with its own grouped split,
every slice tagged with its source, names prefixed 'source:class/file.png' so that lists from different sets
cannot collide."""
import os
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import torch

from .data import Stack, load_prepared, read_split


@dataclass
class Sources:
    """The union of several prepared sets: training part (train + holdout lists), validation, and per slice its source."""
    names: List[str]             # source names, index = source id
    train: Stack                 # images, labels, 'source:class/file.png'
    validation: Stack
    train_source: torch.Tensor   # source id per training slice
    validation_source: torch.Tensor
    is_holdout: torch.Tensor     # per training slice: listed in its source's holdout.txt
    metas: List[dict]            # each set's dataset.json


def source_name(split: str) -> str:
    """A split folder is named after its collection (.work/splits/lgg-flair → 'lgg-flair')."""
    return os.path.basename(os.path.normpath(split))


def load_sources(data: Sequence[str], splits: Sequence[str]) -> Sources:
    """One prepared set per --data, each with the --split at the same position; all must share one image size."""
    if len(data) != len(splits):
        raise ValueError(f"{len(data)} --data but {len(splits)} --split: several sets need one grouped split each")
    names = [source_name(s) for s in splits]
    if len(set(names)) != len(names):
        raise ValueError(f"two splits share a name: {names}")
    train_x, train_y, train_n, val_x, val_y, val_n, train_s, val_s, holdout, metas = ([] for _ in range(10))
    for i, (path, split) in enumerate(zip(data, splits)):
        (tx, ty, tn), (vx, vy, vn), meta = load_prepared(path, split)
        held = set(read_split(split)["holdout"])
        train_x.append(tx), train_y.append(ty), val_x.append(vx), val_y.append(vy), metas.append(meta)
        train_n += [f"{names[i]}:{n}" for n in tn]
        val_n += [f"{names[i]}:{n}" for n in vn]
        train_s.append(torch.full((len(ty),), i, dtype=torch.long))
        val_s.append(torch.full((len(vy),), i, dtype=torch.long))
        holdout.append(torch.tensor([n in held for n in tn], dtype=torch.bool))
    if len({m["size"] for m in metas}) != 1:
        raise ValueError(f"the prepared sets differ in size: {[m['size'] for m in metas]}")
    return Sources(names, (torch.cat(train_x), torch.cat(train_y), train_n), (torch.cat(val_x), torch.cat(val_y), val_n),
                   torch.cat(train_s), torch.cat(val_s), torch.cat(holdout), metas)


def combined_meta(sources: Sources) -> dict:
    """One dataset.json-like summary: the shared size and preparation, each source's SHA256SUMS hash."""
    first = sources.metas[0]
    return {**first, "dataset_sha256_sums_hash": {n: m.get("dataset_sha256_sums_hash") for n, m in zip(sources.names, sources.metas)}}


def holdout_split(sources: Sources) -> Tuple[torch.Tensor, torch.Tensor]:
    """(holdout, fit) indices into the combined training part, from each source's own holdout list."""
    return sources.is_holdout.nonzero().flatten(), (~sources.is_holdout).nonzero().flatten()
