"""The DICOM copies the window measurement reads: the PNG's pixels × 16 in every copy, only the window tags differ."""
import os
import sys
import tempfile
import unittest

import numpy as np
import pydicom
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import write_dicom_copies  # noqa: E402


class DicomCopiesTest(unittest.TestCase):
    def test_only_the_window_differs_between_copies(self):
        head = np.zeros((32, 32), dtype=np.uint8)
        head[4:28, 4:28] = np.arange(24 * 24).reshape(24, 24) % 200 + 1
        with tempfile.TemporaryDirectory() as folder:
            png = os.path.join(folder, "slice.png")
            Image.fromarray(head).save(png)
            read = {}
            for rule in ("none", "full", "head-90"):
                target = os.path.join(folder, f"{rule}.dcm")
                write_dicom_copies.write(png, target, rule)
                read[rule] = pydicom.dcmread(target)

            for ds in read.values():
                np.testing.assert_array_equal(ds.pixel_array, head.astype(np.uint16) * 16)
                self.assertEqual(ds.Modality, "MR")
            self.assertNotIn("WindowCenter", read["none"])
            self.assertEqual((float(read["full"].WindowCenter), float(read["full"].WindowWidth)), (2047.5, 4095.0))
            # head-90: from 0 to the 90th percentile of the non-zero pixels, so a tenth of the head is clipped white
            top = float(read["head-90"].WindowCenter) + float(read["head-90"].WindowWidth) / 2
            inside = head[head > 0].astype(float) * 16
            self.assertAlmostEqual(float(np.mean(inside > top)), 0.10, delta=0.01)

    def test_an_unknown_rule_is_refused(self):
        with self.assertRaises(SystemExit):
            write_dicom_copies.window(np.ones((4, 4)), "narrow")


if __name__ == "__main__":
    unittest.main()
