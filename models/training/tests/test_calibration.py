"""Calibration from the evaluation command's logits: a known temperature is recovered, the error falls, the threshold
holds the sensitivity target in every source, and models.json gets each model's temperature and operating point."""
import json
import os
import tempfile
import unittest

import numpy as np
import torch

from medcrypt_training import calibration, per_source
from medcrypt_training.data import CLASSES


def write_csv(path: str, labels: np.ndarray, logits: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("file,label," + ",".join(f"{m}:{c}" for m in logits for c in CLASSES) + "\n")
        for i, y in enumerate(labels):
            f.write(f"{CLASSES[y]}/{i}.png,{CLASSES[y]}," + ",".join(repr(float(v)) for m in logits for v in logits[m][i]) + "\n")


class CalibrationTest(unittest.TestCase):
    def setUp(self) -> None:
        rng = np.random.default_rng(7)
        self.folder = tempfile.mkdtemp()
        self.paths = {}
        for split in ("holdout", "validation"):
            for source in ("a", "b"):
                labels = rng.integers(0, 4, 2000)
                # Model m's logits are model n's times 3: whatever n's temperature, m's is three times it.
                true = rng.normal(0, 1, (2000, 4)) + 2.0 * np.eye(4)[labels]
                path = os.path.join(self.folder, f"{split}-{source}.csv")
                write_csv(path, labels, {"m": true * 3, "n": true})
                self.paths[(split, source)] = path

    def readings(self, split: str) -> calibration.Readings:
        return calibration.read([(s, self.paths[(split, s)]) for s in ("a", "b")])

    def test_the_temperature_is_recovered_and_the_calibration_error_falls(self) -> None:
        report = calibration.calibrate(self.readings("holdout"), self.readings("validation"), ["m", "n"])
        t_m, t_n = report["models"]["m"]["temperature"], report["models"]["n"]["temperature"]
        self.assertAlmostEqual(t_m / t_n, 3.0, delta=0.05)
        self.assertNotAlmostEqual(t_n, 1.0, delta=0.05)  # a fit, not the default
        ece = report["models"]["m"]["ece"]
        self.assertLess(ece["validation_after"], ece["validation_before"] / 2)

    def test_the_threshold_keeps_the_sensitivity_in_every_source_on_the_holdout(self) -> None:
        report = calibration.calibrate(self.readings("holdout"), self.readings("validation"), ["m", "n"], sensitivity=0.98)
        for fitted in list(report["models"].values()) + [report["ensemble"]]:
            for source in ("a", "b"):
                self.assertGreaterEqual(fitted["holdout"][source]["tumor_sensitivity"], 0.98)
            # The highest such threshold: a little higher loses a tumor in some source.
            higher = calibration.threshold_for(np.array([fitted["tumor_threshold"] + 1e-9]), np.array([0]), np.array(["a"]), 1.0)
            self.assertGreater(higher, fitted["tumor_threshold"])

    def test_the_screening_score_is_the_worst_sources_cleared_share_at_the_operating_point(self) -> None:
        t, f = 0, calibration.NOTUMOR
        # a: tumors at 0.9 and 0.6, tumor-free at 0.7 and 0.1; b: one tumor at 0.3, tumor-free at 0.2, 0.25, 0.3
        # (on the threshold: P(tumor) >= t reads as a tumor, so not cleared) and 0.05.
        p = np.array([0.9, 0.6, 0.7, 0.1, 0.3, 0.2, 0.25, 0.3, 0.05])
        labels = np.array([t, t, f, f, t, f, f, f, f])
        sources = np.array(["a"] * 4 + ["b"] * 5)
        # Every tumor must be found: b's sets the threshold at 0.3, which clears a's 0.1 (1 of 2) and b's 0.2, 0.25 and
        # 0.05 (3 of 4); the worse source counts. At 98 % nothing may be missed of so few: the same.
        probabilities = np.stack([p, np.zeros(9), 1 - p, np.zeros(9)], 1)  # P(tumor) = 1 − P(notumor) = p
        both = calibration.Readings({}, labels, sources)
        self.assertEqual(0.5, calibration.screening_score(probabilities, both, sensitivity=1.0))
        self.assertEqual(0.5, calibration.screening_score(probabilities, both, sensitivity=0.98))
        # b alone: 3 of 4, what per_source.screening counts at that threshold too.
        self.assertEqual(0.75, calibration.screening_score(probabilities[4:], calibration.Readings({}, labels[4:], sources[4:]), sensitivity=1.0))
        self.assertEqual(0.75, per_source.screening(torch.from_numpy(probabilities[4:]), torch.from_numpy(labels[4:]), 0.3)["tumor_specificity"])

    def test_the_manifest_gets_temperatures_and_operating_points_and_keeps_the_rest(self) -> None:
        report = calibration.calibrate(self.readings("holdout"), self.readings("validation"), ["m"])
        path = os.path.join(self.folder, "models.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"version": 1, "models": [{"name": "m", "file": "m.onnx"}, {"name": "other", "file": "o.onnx"}]}, f)
        calibration.write_manifest(path, report)
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
        self.assertAlmostEqual(manifest["models"][0]["temperature"], report["models"]["m"]["temperature"], places=5)
        self.assertAlmostEqual(manifest["models"][0]["tumorThreshold"], report["models"]["m"]["tumor_threshold"], places=5)
        self.assertNotIn("temperature", manifest["models"][1])
        self.assertAlmostEqual(manifest["ensembleTumorThreshold"], report["ensemble"]["tumor_threshold"], places=5)
        for written, fitted in ((manifest["models"][0]["screeningValidation"], report["models"]["m"]["validation"]),
                                (manifest["ensembleScreeningValidation"], report["ensemble"]["validation"])):
            self.assertEqual({"a", "b"}, set(written))
            for source, counts in written.items():
                self.assertEqual(fitted[source]["tumors_found"], counts["tumorsFound"])
                self.assertEqual(fitted[source]["tumor_free_cleared"], counts["tumorFreeCleared"])
                self.assertLessEqual(counts["tumorFreeCleared"], counts["tumorFree"])

    def test_the_default_ensemble_is_the_manifests_not_every_model_read(self) -> None:
        path = os.path.join(self.folder, "models.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"version": 1, "models": [{"name": "m"}, {"name": "x", "inEnsemble": False}, {"name": "d", "inEnsemble": False}]}, f)
        self.assertEqual(["m"], calibration.default_ensemble(path, ["m", "x", "d"]))
        self.assertEqual(["m", "x"], calibration.default_ensemble(None, ["m", "x"]))
        with self.assertRaises(SystemExit):
            calibration.default_ensemble(path, ["x"])


if __name__ == "__main__":
    unittest.main()
