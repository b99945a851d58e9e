"""Validation metrics: 4-class accuracy and confusion matrix, per-class sensitivity / specificity, and tumor vs
no tumor sensitivity, specificity and ROC AUC (tumor probability = 1 − P(notumor))."""
import torch

from .data import CLASSES


def roc_auc(scores: torch.Tensor, positives: torch.Tensor) -> float:
    """Mann–Whitney U: the probability that a random positive scores above a random negative (ties count ½)."""
    order = torch.argsort(scores)
    ranks = torch.empty_like(scores)
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    n_pos = int(positives.sum())
    n_neg = len(scores) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def evaluate(probabilities: torch.Tensor, labels: torch.Tensor, threshold: float = 0.5) -> dict:
    """4-class figures from the argmax; tumor vs no tumor with P(tumor) = 1 − P(notumor) at `threshold` (an operating point)."""
    predicted = probabilities.argmax(1)
    k = len(CLASSES)
    confusion = torch.zeros(k, k, dtype=torch.long)
    for t, p in zip(labels.tolist(), predicted.tolist()):
        confusion[t, p] += 1
    per_class = {}
    for i, name in enumerate(CLASSES):
        tp = int(confusion[i, i])
        fn = int(confusion[i].sum()) - tp
        fp = int(confusion[:, i].sum()) - tp
        tn = int(confusion.sum()) - tp - fn - fp
        per_class[name] = {"sensitivity": tp / max(tp + fn, 1), "specificity": tn / max(tn + fp, 1)}
    notumor = CLASSES.index("notumor")
    tumor_probability = 1 - probabilities[:, notumor]
    is_tumor = labels != notumor
    called_tumor = tumor_probability >= threshold
    return {
        "accuracy": float((predicted == labels).float().mean()) if len(labels) else float("nan"),
        "confusion": confusion.tolist(),
        "per_class": per_class,
        "tumor_sensitivity": float((called_tumor & is_tumor).sum() / max(int(is_tumor.sum()), 1)),
        "tumor_specificity": float((~called_tumor & ~is_tumor).sum() / max(int((~is_tumor).sum()), 1)),
        "tumor_roc_auc": roc_auc(tumor_probability, is_tumor),
        "images": len(labels),
    }
