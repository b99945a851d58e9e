"""The brightness measurement's copies and its count of changed verdicts."""
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import measure_brightness  # noqa: E402


class MeasureBrightnessTest(unittest.TestCase):
    def test_a_copy_is_scaled_linearly_and_clipped_at_white(self):
        values = np.array([[0, 10, 100, 240]], dtype=np.uint8)
        np.testing.assert_array_equal(measure_brightness.scaled(values, 1.2), [[0, 12, 120, 255]])
        np.testing.assert_array_equal(measure_brightness.scaled(values, 0.8), [[0, 8, 80, 192]])

    def test_only_verdicts_on_the_other_side_of_the_threshold_count(self):
        reference = np.array([0.01, 0.04, 0.5, 0.9])
        other = np.array([0.02, 0.02, 0.6, 0.01])
        self.assertEqual(measure_brightness.flips(reference, other, 0.03), {"flipped": 2, "of": 4, "largest_change": 0.89})

    def test_a_png_and_its_dicom_copy_are_matched_by_class_and_stem(self):
        header = "file,truth,resnet18:glioma,resnet18:meningioma,resnet18:notumor,resnet18:pituitary\n"
        with tempfile.TemporaryDirectory() as folder:
            read = {}
            for extension in ("png", "dcm"):
                path = os.path.join(folder, f"{extension}.csv")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(header + f"glioma/a.{extension},glioma,2,0,0,0\nnotumor/b.{extension},notumor,0,0,3,0\n")
                read[extension] = measure_brightness.p_tumor(path, "resnet18", 1.0)
        self.assertEqual(sorted(read["png"]), ["glioma/a", "notumor/b"])
        self.assertEqual(read["png"], read["dcm"])
        self.assertGreater(read["png"]["glioma/a"], 0.5)
        self.assertLess(read["png"]["notumor/b"], 0.5)


if __name__ == "__main__":
    unittest.main()
