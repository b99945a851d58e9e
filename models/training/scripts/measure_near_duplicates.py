"""Measures near-duplicates in the datasets: hashes every slice once (cached in .work/phash.json) and prints, for
radii 0..12, the pairs and multi-slice groups within each collection and across the two, so the split's radius is
chosen from evidence.  cd models/training && OMP_NUM_THREADS=1 nice /usr/bin/python3 scripts/measure_near_duplicates.py"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from medcrypt_training.dataset_groups import load_or_compute  # noqa: E402
from medcrypt_training.near_duplicates import components, close_pairs, distances  # noqa: E402


def main() -> None:
    names, hashes = load_or_compute()
    d = distances(hashes)
    source = [n.split(":")[0] for n in names]
    label = [n.split(":")[1].split("/")[0] for n in names]
    rows = []
    for r in range(13):
        pairs = close_pairs(d, r)
        comp = components(len(names), pairs)
        sizes = {}
        for c in comp:
            sizes[c] = sizes.get(c, 0) + 1
        multi = [c for c, s in sizes.items() if s > 1]
        in_groups = {}
        for k, c in enumerate(comp):
            if sizes[c] > 1:
                key = f"{source[k]}:{label[k]}"
                in_groups[key] = in_groups.get(key, 0) + 1
        cross_source = sum(1 for a, b in pairs if source[a] != source[b])
        cross_label = sum(1 for a, b in pairs if source[a] == source[b] == "brain-tumor-mri" and label[a] != label[b])
        row = {"radius": r, "pairs": len(pairs), "groups_of_2_or_more": len(multi),
               "largest_group": max(sizes.values()), "cross_collection_pairs": cross_source,
               "cross_label_pairs_brain_tumor_mri": cross_label, "slices_in_groups": in_groups}
        rows.append(row)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
