"""Training on several collections at once: sources tagged and kept apart, cells drawn alike, figures per source."""
import os
import shutil
import tempfile
import unittest

import torch

from medcrypt_training.balance import balanced_order, cell_weights
from medcrypt_training.data import CLASSES
from medcrypt_training.per_source import by_source, screening
from medcrypt_training.sources import holdout_split, load_sources

from test_pipeline import write_tiny_prepared_set

NOTUMOR = CLASSES.index("notumor")


def write_split(prepared: str, folder: str) -> None:
    """Every file listed once: per class the first two in holdout, the next two in validation, the rest train."""
    parts = {"train": [], "holdout": [], "validation": []}
    for label in CLASSES:
        files = sorted(os.listdir(os.path.join(prepared, label)))
        for i, f in enumerate(files):
            parts["holdout" if i < 2 else "validation" if i < 4 else "train"].append(f"{label}/{f}")
    os.makedirs(folder)
    for part, names in parts.items():
        with open(os.path.join(folder, f"{part}.txt"), "w", encoding="utf-8") as out:
            out.write("\n".join(names) + "\n")


class SourcesTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.root)

    def make(self, name: str, per_class: int = 6):
        data, split = os.path.join(self.root, f"prepared-{name}"), os.path.join(self.root, "splits", name)
        write_tiny_prepared_set(data, per_class)
        write_split(data, split)
        return data, split

    def test_two_sets_are_tagged_prefixed_and_keep_their_own_holdouts(self):
        a, b = self.make("first"), self.make("second", per_class=8)
        sources = load_sources([a[0], b[0]], [a[1], b[1]])
        self.assertEqual(["first", "second"], sources.names)
        images, labels, names = sources.train
        self.assertEqual(len(labels), 4 * (6 - 2) + 4 * (8 - 2))  # train + holdout of each; validation apart
        self.assertEqual(4 * 2 + 4 * 2, len(sources.validation[1]))
        self.assertTrue(all(n.startswith(("first:", "second:")) for n in names + sources.validation[2]))
        for i, n in enumerate(names):
            self.assertEqual(int(sources.train_source[i]), 0 if n.startswith("first:") else 1)
        holdout, fit = holdout_split(sources)
        self.assertEqual(16, len(holdout))  # two per class per source, from each source's holdout.txt
        self.assertEqual(len(labels), len(holdout) + len(fit))
        self.assertFalse(set(holdout.tolist()) & set(fit.tolist()))

    def test_mismatched_or_colliding_splits_are_refused(self):
        a, b = self.make("first"), self.make("second")
        with self.assertRaises(ValueError):
            load_sources([a[0], b[0]], [a[1]])
        with self.assertRaises(ValueError):
            load_sources([a[0], b[0]], [a[1], a[1]])

    def test_every_cell_is_drawn_alike(self):
        # source 0: 900 of class 0 and 100 of class 2; source 1: 50 of class 2
        labels = torch.tensor([0] * 900 + [2] * 100 + [2] * 50)
        sources = torch.tensor([0] * 1000 + [1] * 50)
        w = cell_weights(labels, sources)
        self.assertAlmostEqual(1.0, float(w.sum()), places=9)
        for cell in [(0, 0), (0, 2), (1, 2)]:
            mask = (sources == cell[0]) & (labels == cell[1])
            self.assertAlmostEqual(1 / 3, float(w[mask].sum()), places=9)
        order = balanced_order(torch.arange(len(labels)), w, torch.Generator().manual_seed(3))
        self.assertEqual(len(labels), len(order))
        drawn_rare = int(((sources[order] == 1)).sum())
        self.assertTrue(250 < drawn_rare < 450, drawn_rare)  # ~1/3 of 1,050 draws, not 50/1,050

    def test_screening_counts_per_source_and_accuracy_only_with_all_classes(self):
        p_tumor = torch.tensor([[0.9, 0, 0.1, 0], [0.2, 0, 0.8, 0], [0.6, 0, 0.4, 0], [0.1, 0, 0.9, 0]])
        labels = torch.tensor([0, 0, NOTUMOR, NOTUMOR])
        sources = torch.tensor([1, 1, 1, 1])
        out = by_source(p_tumor, labels, sources, ["empty", "lgg"])
        self.assertEqual(["lgg"], list(out))  # a source without slices is left out
        lgg = out["lgg"]
        self.assertEqual((2, 1, 2, 1), (lgg["tumors"], lgg["tumors_found"], lgg["tumor_free"], lgg["tumor_free_cleared"]))
        self.assertNotIn("accuracy", lgg)  # two classes only: 4-class accuracy would say nothing
        lower = screening(p_tumor, labels, threshold=0.05)
        self.assertEqual(2, lower["tumors_found"])  # a low enough threshold finds both tumors and clears nothing
        self.assertEqual(0, lower["tumor_free_cleared"])
        everything = screening(torch.eye(4), torch.arange(4))
        self.assertEqual(1.0, everything["accuracy"])


if __name__ == "__main__":
    unittest.main()
