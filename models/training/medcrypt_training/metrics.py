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
    tumor = screening(probabilities, labels, threshold)  # the one place a threshold's found / cleared are counted
    return {
        "accuracy": float((predicted == labels).float().mean()) if len(labels) else float("nan"),
        "confusion": confusion.tolist(),
        "per_class": per_class,
        "tumor_sensitivity": tumor["tumors_found"] / max(tumor["tumors"], 1),
        "tumor_specificity": tumor["tumor_free_cleared"] / max(tumor["tumor_free"], 1),
        "tumor_roc_auc": tumor["tumor_roc_auc"],
        "images": len(labels),
    }


NOTUMOR = CLASSES.index("notumor")


def tumor_probability(probabilities: torch.Tensor) -> torch.Tensor:
    return 1 - probabilities[:, NOTUMOR]


def screening(probabilities: torch.Tensor, labels: torch.Tensor, threshold: float = 0.5) -> dict:
    """Tumors found / tumor-free cleared at `threshold` on P(tumor) (P(tumor) >= threshold is a tumor); 4-class
    accuracy only with every class present (lgg-flair has only glioma and notumor: its 4-class accuracy says nothing)."""
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
