"""Where the shipped screen's errors on FLAIR slices lie. Its false alarms: each tumor-free `lgg-flair` slice by its
distance (in slices) to the nearest tumor slice of the same patient and by its place in the volume, and the tumor
class a flagged slice leans to. Its misses: each tumor slice by the area of its tumor mask, each miss by how far it
lies from the ends of the patient's tumor, and each patient by whether any of its tumor slices is flagged. Reads the
C# evaluation command's --logits on a validation list and the manifest's temperature and operating point, so the
figures are the portal's own.
  cd models/training && /usr/bin/python3 scripts/measure_screen_errors.py --logits <lgg-flair validation logits.csv> \
      --manifest ../models.json --dataset ../../../shared/datasets/lgg-flair"""
import argparse
import collections
import csv
import json
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # the package beside scripts/
from medcrypt_training.calibration import CLASSES, read, softmax, tumor_probability  # noqa: E402

SLICE = re.compile(r"_(\d+)_flair\.png$")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--logits", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--dataset", required=True, help="lgg-flair: its manifest.csv names each slice's patient")
    p.add_argument("--model", default="resnet18")
    args = p.parse_args()
    entry = next(m for m in json.load(open(args.manifest, encoding="utf-8"))["models"] if m["name"] == args.model)
    readings = read([("lgg-flair", args.logits)])
    flagged = tumor_probability(softmax(readings.logits[args.model], entry["temperature"])) >= entry["tumorThreshold"]
    with open(os.path.join(args.dataset, "manifest.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    slices = {r["file"]: (r["patient"], int(SLICE.search(r["file"]).group(1)), r["class"]) for r in rows}
    mask_pixels = {r["file"]: int(r["tumor_mask_pixels"]) for r in rows}
    tumor_slices, all_slices = collections.defaultdict(set), collections.defaultdict(set)
    for patient, i, label in slices.values():
        all_slices[patient].add(i)
        if label == "glioma":
            tumor_slices[patient].add(i)
    span = {patient: (min(s), max(s)) for patient, s in all_slices.items()}
    by_distance, by_place, leans_to = collections.defaultdict(lambda: [0, 0]), collections.defaultdict(lambda: [0, 0]), collections.Counter()
    notumor = CLASSES.index("notumor")
    tumors = [c for c in range(len(CLASSES)) if c != notumor]
    by_area, patient_found, misses_from_end = collections.defaultdict(lambda: [0, 0]), {}, collections.Counter()
    for k, file in enumerate(readings.files):
        if readings.labels[k] != notumor:
            area = mask_pixels[file]
            size = "< 200" if area < 200 else "200–999" if area < 1000 else "≥ 1000"
            by_area[size][0] += 1
            by_area[size][1] += int(flagged[k])
            patient, i, _ = slices[file]
            patient_found[patient] = patient_found.get(patient, False) or bool(flagged[k])
            if not flagged[k]:  # how far inside the patient's run of tumor slices the miss lies (0: its first or last)
                misses_from_end[min(i - min(tumor_slices[patient]), max(tumor_slices[patient]) - i)] += 1
            continue
        patient, i, _ = slices[file]
        d = min((abs(i - j) for j in tumor_slices[patient]), default=None)
        distance = "none" if d is None else "1" if d == 1 else "2" if d == 2 else "3–4" if d <= 4 else "≥ 5"
        lo, hi = span[patient]
        place = min(4, int(5 * (i - lo) / max(1, hi - lo)))
        for table, key in ((by_distance, distance), (by_place, place)):
            table[key][0] += 1
            table[key][1] += int(not flagged[k])
        if flagged[k]:  # the tumor class it leans to (at this threshold most flagged slices still read notumor first)
            leans_to[CLASSES[tumors[int(np.argmax(readings.logits[args.model][k][tumors]))]]] += 1
    print("| slices from the nearest tumor slice | tumor-free slices | cleared |\n|---|---|---|")
    for key in [k for k in ("1", "2", "3–4", "≥ 5", "none") if k in by_distance]:  # none: a patient without a tumor slice
        n, cleared = by_distance[key]
        print(f"| {key} | {n} | {cleared} ({cleared / n:.1%}) |")
    print("| fifth of the volume by slice number (0: the first slices) | tumor-free slices | cleared |\n|---|---|---|")
    for key in sorted(by_place):
        n, cleared = by_place[key]
        print(f"| {key} | {n} | {cleared} ({cleared / n:.1%}) |")
    print("the tumor class flagged slices lean to:", dict(leans_to))
    print("| tumor mask (pixels of 256 × 256) | tumor slices | found |\n|---|---|---|")
    for key in [k for k in ("< 200", "200–999", "≥ 1000") if k in by_area]:
        n, found = by_area[key]
        print(f"| {key} | {n} | {found} ({found / n:.1%}) |")
    print("missed tumor slices by slices from the end of the patient's tumor (0: its first or last):",
          dict(sorted(misses_from_end.items())))
    found = sum(patient_found.values())
    print(f"patients with a tumor slice in the list: {len(patient_found)}; with at least one of them flagged: {found}")


if __name__ == "__main__":
    main()
