"""The patient bootstrap's pieces: the AUC it reads (the training metrics') and its draws."""
import os
import sys
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import bootstrap_screening  # noqa: E402


class BootstrapScreeningTest(unittest.TestCase):
    def test_auc_counts_ties_half(self):
        scores = np.array([0.9, 0.5, 0.5, 0.1])
        positives = np.array([True, True, False, False])
        self.assertAlmostEqual(bootstrap_screening.roc_auc(torch.tensor(scores), torch.tensor(positives)), (2 + 1 + 0.5) / 4)

    def test_a_draw_keeps_the_fixed_rows_and_takes_whole_patients(self):
        by_patient = {"p1": np.array([10, 11]), "p2": np.array([20]), "p3": np.array([30, 31, 32])}
        for rows in bootstrap_screening.draws(sorted(by_patient), np.array([0, 1]), by_patient, 20, seed=3):
            self.assertEqual(list(rows[:2]), [0, 1])
            rest = list(rows[2:])
            for members in by_patient.values():  # a patient comes whole or not at all, possibly several times
                self.assertEqual(rest.count(members[0]) * len(members), sum(rest.count(m) for m in members))


if __name__ == "__main__":
    unittest.main()
