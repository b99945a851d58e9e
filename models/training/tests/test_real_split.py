"""On the real datasets (skipped when /work/shared/datasets is absent): no near-duplicate group and no lgg-flair
patient straddles train, holdout and validation, and the committed summary matches what the code computes."""
import json
import os
import unittest

from medcrypt_training import grouped_split
from medcrypt_training.data import split_fingerprint
from medcrypt_training.dataset_groups import dataset_root, group_slices, lgg_patients, load_or_compute, read_gray

ROOT = dataset_root()
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


@unittest.skipUnless(os.path.isdir(os.path.join(ROOT, "brain-tumor-mri")) and os.path.isdir(os.path.join(ROOT, "lgg-flair")),
                     f"the shared datasets are not at {ROOT} (set MEDCRYPT_DATASETS): the real-data split is not checked")
class RealSplitTest(unittest.TestCase):
    def test_no_group_or_patient_straddles_and_the_summary_is_reproduced(self):
        names, hashes = load_or_compute(ROOT)  # about 20 s the first time on 2 cores, cached in .work/ after
        patients = lgg_patients(ROOT)
        group = group_slices(names, hashes, lambda n: read_gray(n, ROOT), patients)
        parts = grouped_split.split([(n, n.split("/")[0], group[n]) for n in names])
        part_of = {n: p for p, ns in parts.items() for n in ns}
        seen = {}
        for n in names:
            self.assertEqual(seen.setdefault(group[n], part_of[n]), part_of[n], n)
        by_patient = {}
        for n, patient in patients.items():
            self.assertEqual(by_patient.setdefault(patient, part_of[n]), part_of[n], n)
        with open(os.path.join(HERE, "splits", "grouped-split.json"), encoding="utf-8") as f:
            summary = json.load(f)
        for part in grouped_split.PARTS:
            btm = sorted(os.path.splitext(n.split(":", 1)[1])[0] + ".png" for n in parts[part] if n.startswith("brain-tumor-mri:"))
            self.assertEqual(split_fingerprint(btm), summary["collections"]["brain-tumor-mri"]["parts"][part]["fingerprint"])
            lgg = {n.split(":", 1)[1].split("/")[0] for n in parts[part] if n.startswith("lgg-flair:")}
            self.assertEqual(lgg, {"glioma", "notumor"}, part)  # tumor and tumor-free slices in every part


if __name__ == "__main__":
    unittest.main()
