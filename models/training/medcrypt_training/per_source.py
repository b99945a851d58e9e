"""Screening figures per source collection (`metrics.screening` on each source's slices): tumor sensitivity and
specificity (tumor = glioma | meningioma | pituitary, P(tumor) = 1 − P(notumor)) at a threshold, as counts too, and
4-class accuracy where the source has all four classes."""
from typing import Dict, Sequence

import torch

from .metrics import screening


def by_source(probabilities: torch.Tensor, labels: torch.Tensor, sources: torch.Tensor, names: Sequence[str],
              threshold: float = 0.5) -> Dict[str, dict]:
    """`screening` for each source id (index into `names`) that has slices."""
    return {name: screening(probabilities[sources == i], labels[sources == i], threshold)
            for i, name in enumerate(names) if int((sources == i).sum())}
