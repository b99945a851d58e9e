"""Screening figures per source collection: tumor sensitivity and specificity (tumor = glioma | meningioma |
pituitary, P(tumor) = 1 − P(notumor)) at a threshold, as counts too, and 4-class accuracy where the source has all
four classes (lgg-flair has only glioma and notumor: its 4-class accuracy would say nothing)."""
from typing import Dict, Sequence

import torch

from .data import CLASSES
from .metrics import roc_auc

NOTUMOR = CLASSES.index("notumor")


def tumor_probability(probabilities: torch.Tensor) -> torch.Tensor:
    return 1 - probabilities[:, NOTUMOR]


def screening(probabilities: torch.Tensor, labels: torch.Tensor, threshold: float = 0.5) -> dict:
    """Tumors found / tumor-free cleared at `threshold` on P(tumor); 4-class accuracy only with every class present."""
    p = tumor_probability(probabilities)
    is_tumor = labels != NOTUMOR
    called = p >= threshold
    tumors, free = int(is_tumor.sum()), int((~is_tumor).sum())
    found, cleared = int((called & is_tumor).sum()), int((~called & ~is_tumor).sum())
    out = {"images": len(labels), "tumors": tumors, "tumors_found": found, "tumor_free": free, "tumor_free_cleared": cleared,
           "tumor_sensitivity": found / tumors if tumors else float("nan"),
           "tumor_specificity": cleared / free if free else float("nan"),
           "tumor_roc_auc": roc_auc(p, is_tumor), "threshold": threshold}
    if len(labels) and len(torch.unique(labels)) == len(CLASSES):
        out["accuracy"] = float((probabilities.argmax(1) == labels).float().mean())
    return out


def by_source(probabilities: torch.Tensor, labels: torch.Tensor, sources: torch.Tensor, names: Sequence[str],
              threshold: float = 0.5) -> Dict[str, dict]:
    """`screening` for each source id (index into `names`) that has slices."""
    return {name: screening(probabilities[sources == i], labels[sources == i], threshold)
            for i, name in enumerate(names) if int((sources == i).sum())}
