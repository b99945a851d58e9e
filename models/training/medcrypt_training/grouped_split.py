"""A deterministic, stratified split into train / holdout / validation that moves whole groups only.

Holdout is for choosing the checkpoint, calibration and a threshold; validation is looked at once, at the end. A
group (near-duplicates, or one patient's slices) is stratified by its most frequent label; within each stratum
groups are shuffled with a fixed seed and each goes to the part furthest below its share of that stratum's slices,
so every part gets every stratum and the shares hold to within one group."""
import random
from collections import Counter, defaultdict
from typing import Dict, List, Sequence, Tuple

PARTS = ("train", "holdout", "validation")
SHARES = (0.70, 0.15, 0.15)
SEED = 20261125


def split(items: Sequence[Tuple[str, str, str]], shares: Sequence[float] = SHARES, seed: int = SEED) -> Dict[str, List[str]]:
    """items: (name, stratum, group). Returns part → sorted names; no group is in two parts."""
    members: Dict[str, List[Tuple[str, str]]] = defaultdict(list)
    for name, stratum, group in items:
        members[group].append((name, stratum))
    by_stratum: Dict[str, List[str]] = defaultdict(list)
    for group, m in members.items():
        counts = Counter(s for _, s in m)
        by_stratum[min(counts, key=lambda s: (-counts[s], s))].append(group)  # most frequent; ties: first name
    parts: Dict[str, List[str]] = {p: [] for p in PARTS}
    for stratum in sorted(by_stratum):
        groups = sorted(by_stratum[stratum])
        random.Random(f"{seed}/{stratum}").shuffle(groups)
        groups.sort(key=lambda g: -len(members[g]))  # stable: big groups first (placed while every part has room)
        total = sum(len(members[g]) for g in groups)
        filled = [0] * len(PARTS)
        for g in groups:
            k = max(range(len(PARTS)), key=lambda i: (shares[i] * total - filled[i], -i))
            filled[k] += len(members[g])
            parts[PARTS[k]] += [n for n, _ in members[g]]
    return {p: sorted(names) for p, names in parts.items()}

