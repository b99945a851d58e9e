"""The grouped split: whole groups only, stratified, fixed; and the training code reads its lists."""
import os
import tempfile
import unittest
from collections import Counter

from medcrypt_training import grouped_split
from medcrypt_training.data import CLASSES, listed_split, read_split

from test_pipeline import write_tiny_prepared_set


def items(n_groups: int = 300):
    """(name, stratum, group): groups of 1–4 slices, two strata; one patient's slices are one group."""
    out = []
    for g in range(n_groups):
        label = "notumor" if g % 3 == 0 else "glioma"
        out += [(f"{label}/g{g}_{k}.png", label, f"g{g}") for k in range(1 + g % 4)]
    return out


class GroupedSplitTest(unittest.TestCase):
    def test_no_group_straddles_parts_and_every_part_has_every_stratum_near_its_share(self):
        data = items()
        parts = grouped_split.split(data)
        part_of = {n: p for p, names in parts.items() for n in names}
        self.assertEqual(sorted(part_of), sorted(n for n, _, _ in data))
        for group in {g for _, _, g in data}:
            self.assertEqual(len({part_of[n] for n, _, g in data if g == group}), 1, group)
        for stratum in ["notumor", "glioma"]:
            total = sum(1 for _, s, _ in data if s == stratum)
            for part, share in zip(grouped_split.PARTS, grouped_split.SHARES):
                got = sum(1 for n in parts[part] if n.startswith(stratum))
                self.assertLessEqual(abs(got - share * total), 4, (stratum, part, got))  # within one group (≤ 4 slices)

    def test_two_near_identical_slices_and_a_patients_slices_land_together(self):
        data = [(f"notumor/{i}.png", "notumor", f"single{i}") for i in range(40)]
        data += [("notumor/twin-a.png", "notumor", "twins"), ("notumor/twin-b.png", "notumor", "twins")]
        data += [(f"lgg/p7_{k}.png", "glioma" if k % 2 else "notumor", "patient7") for k in range(6)]
        parts = grouped_split.split(data)
        part_of = {n: p for p, names in parts.items() for n in names}
        self.assertEqual(part_of["notumor/twin-a.png"], part_of["notumor/twin-b.png"])
        self.assertEqual(len({part_of[f"lgg/p7_{k}.png"] for k in range(6)}), 1)

    def test_the_split_is_deterministic_and_depends_on_the_seed(self):
        data = items()
        self.assertEqual(grouped_split.split(data), grouped_split.split(list(reversed(data))))
        self.assertNotEqual(grouped_split.split(data), grouped_split.split(data, seed=1))

    def test_training_reads_a_split_folder_and_uses_its_holdout(self):
        from medcrypt_training import train
        with tempfile.TemporaryDirectory() as work:
            data = os.path.join(work, "prepared")
            write_tiny_prepared_set(data)
            files = {c: sorted(os.path.join(c, n) for n in os.listdir(os.path.join(data, c))) for c in CLASSES}
            split = os.path.join(work, "split")
            os.makedirs(split)
            lists = {"train": [], "holdout": [], "validation": []}
            for c in CLASSES:
                lists["train"] += files[c][:4]
                lists["holdout"] += files[c][4:5]
                lists["validation"] += files[c][5:]
            for part, names in lists.items():
                with open(os.path.join(split, f"{part}.txt"), "w", encoding="utf-8") as f:
                    f.write("\n".join(names) + "\n")
            self.assertEqual(read_split(split), {p: sorted(n) for p, n in lists.items()})
            args = train.parse_args(["--model", "densenet121", "--data", data, "--split", split, "--work", work,
                                     "--epochs", "1", "--batch-size", "4", "--max-steps", "1", "--threads", "2"])
            run = train.build_run(args)
            self.assertEqual(len(run.hold_idx), 4)
            self.assertEqual(len(run.fit_idx), 16)
            report = train.main(["--model", "densenet121", "--data", data, "--split", split, "--work", work,
                                 "--epochs", "1", "--batch-size", "4", "--max-steps", "1", "--threads", "2"])
            self.assertEqual(report["validation_split"]["images"], 4)
            with open(os.path.join(work, "checkpoints", "densenet121-32", "validation.txt"), encoding="utf-8") as f:
                self.assertEqual(f.read().split(), sorted(lists["validation"]))

    def test_lists_that_miss_a_prepared_file_are_refused(self):
        with self.assertRaises(ValueError):
            listed_split({"glioma": ["glioma/a.png", "glioma/b.png"]},
                         {"train": ["glioma/a.png"], "holdout": [], "validation": []})


if __name__ == "__main__":
    unittest.main()
