"""Balanced sampling over (source, class) cells for training on several collections at once.

Why cells, and why sampling rather than loss weights: in lgg-flair every slice is FLAIR and 61 % of them are
notumor, while in brain-tumor-mri bright FLAIR/T2 slices are nearly all notumor; if a source's class mix reaches the
batches as it is, "looks like FLAIR → notumor" stays a cheap prior. Giving every (source, class) cell the same
share of the draws removes it inside each source (lgg-flair glioma = lgg-flair notumor), keeps meningioma and
pituitary at about their natural share (1/6 each with two sources, 15–16 % unbalanced), and every batch stays
mixed. Loss weights would do the same in expectation, but with batches of 32 a rare cell's few slices would carry
large, noisy gradient weights and the loss scale (and so the one-cycle learning rate's meaning) would change."""
import torch


def cell_weights(labels: torch.Tensor, sources: torch.Tensor) -> torch.Tensor:
    """Per slice 1 / (slices in its (source, class) cell), normalised to sum 1: every non-empty cell is drawn alike."""
    cell = sources * (int(labels.max()) + 1 if len(labels) else 1) + labels
    _, inverse, counts = torch.unique(cell, return_inverse=True, return_counts=True)
    w = 1.0 / counts[inverse].double()
    return w / w.sum()


def balanced_order(indices: torch.Tensor, weights: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One epoch's draw of len(indices) of `indices`, with replacement, by `weights` (one per index)."""
    return indices[torch.multinomial(weights, len(indices), replacement=True, generator=generator)]
