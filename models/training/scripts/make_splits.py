"""Writes the grouped train / holdout / validation split of brain-tumor-mri and lgg-flair: the lists under
.work/splits/ (git-ignored; names 'class/file.png' as the exporter and the C# evaluation's --files read them) and
the committed summary splits/grouped-split.json (counts, groups, the radius, each list's fingerprint), and prints how
many of today's file-split validation slices have a near-duplicate in today's training part.
  cd models/training && OMP_NUM_THREADS=1 nice /usr/bin/python3 scripts/make_splits.py"""
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # the package beside scripts/
from medcrypt_training import grouped_split  # noqa: E402
from medcrypt_training.data import split_fingerprint, stratified_split  # noqa: E402
from medcrypt_training.dataset_groups import group_slices, lgg_patients, load_or_compute, read_gray  # noqa: E402
from medcrypt_training.near_duplicates import MIN_CORRELATION, RADIUS  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def prepared_name(name: str) -> str:
    """'brain-tumor-mri:glioma/Tr-gl_0012.jpg' → 'glioma/Tr-gl_0012.png', the exporter's name for it."""
    return os.path.splitext(name.split(":", 1)[1])[0] + ".png"


def main() -> None:
    names, hashes = load_or_compute()
    group = group_slices(names, hashes, read_gray, lgg_patients())
    collection = {n: n.split(":")[0] for n in names}
    stratum = {n: n.split("/")[0] for n in names}  # 'collection:class'
    parts = grouped_split.split([(n, stratum[n], group[n]) for n in names])
    part_of = {n: p for p, ns in parts.items() for n in ns}
    straddling = sum(1 for g in set(group.values()) if len({part_of[n] for n in names if group[n] == g}) > 1)
    assert straddling == 0

    summary = {"method": {"hash": "64-bit DCT pHash of the gray slice at 32×32", "radius": RADIUS,
                          "confirmed_by": f"Pearson r ≥ {MIN_CORRELATION} of 64×64 gray thumbnails",
                          "also_joined": "lgg-flair: every slice of one patient (manifest.csv)",
                          "shares": dict(zip(grouped_split.PARTS, grouped_split.SHARES)), "seed": grouped_split.SEED},
               "collections": {}}
    sizes = Counter(group.values())
    for c in ["brain-tumor-mri", "lgg-flair"]:
        entry = {"groups": len({group[n] for n in names if collection[n] == c}),
                 "groups_of_2_or_more": len({group[n] for n in names if collection[n] == c and sizes[group[n]] > 1}),
                 "slices_in_groups_of_2_or_more": dict(sorted(Counter(stratum[n].split(":")[1] for n in names
                                                                      if collection[n] == c and sizes[group[n]] > 1).items())),
                 "parts": {}}
        if c == "lgg-flair":
            patients = lgg_patients()
            entry["patients"] = {p: len({patients[n] for n in parts[p] if collection[n] == c}) for p in grouped_split.PARTS}
        folder = os.path.join(HERE, ".work", "splits", c)
        os.makedirs(folder, exist_ok=True)
        for p in grouped_split.PARTS:
            listed = sorted(prepared_name(n) for n in parts[p] if collection[n] == c)
            with open(os.path.join(folder, f"{p}.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(listed) + "\n")
            entry["parts"][p] = {"images": len(listed), "by_label": dict(sorted(Counter(n.split("/")[0] for n in listed).items())),
                                 "fingerprint": split_fingerprint(listed)}
        summary["collections"][c] = entry
    summary["cross_collection_groups"] = sum(1 for g in set(group.values())
                                             if len({collection[n] for n in names if group[n] == g}) > 1)

    # Today's file split (data.stratified_split): validation slices with a near-duplicate in its training part.
    btm = [n for n in names if collection[n] == "brain-tumor-mri"]
    by_class: dict = {}
    for n in btm:
        by_class.setdefault(stratum[n].split(":")[1], []).append(prepared_name(n))
    train, validation = stratified_split(by_class)
    group_of = {prepared_name(n): group[n] for n in btm}
    train_groups = {group_of[f] for f, _ in train}
    leaked = Counter(label for f, label in validation if group_of[f] in train_groups)
    summary["todays_file_split"] = {"validation_images": len(validation), "validation_fingerprint": split_fingerprint([f for f, _ in validation]),
                                    "with_a_near_duplicate_in_training": dict(sorted(leaked.items())),
                                    "with_a_near_duplicate_in_training_total": sum(leaked.values())}
    os.makedirs(os.path.join(HERE, "splits"), exist_ok=True)
    with open(os.path.join(HERE, "splits", "grouped-split.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
