"""The invariance check's shifts do what their names say, and the check reports every shift."""
import unittest

import torch

from medcrypt_training.invariance import check, rotate_and_zoom, shifts
from medcrypt_training.models import build


def disc_slices(n=4, size=32):
    yy, xx = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    head = (((yy - 16) ** 2 + (xx - 16) ** 2) < 12 ** 2).float()
    ramp = (xx.float() / size) * 0.8 + 0.2
    return (head * ramp).expand(n, 1, size, size).clone()


class InvarianceTest(unittest.TestCase):
    def test_every_shift_keeps_the_shape_and_range_and_contrast_shifts_keep_the_background_black(self):
        x = disc_slices()
        for name, shift in shifts().items():
            y = shift(x)
            self.assertEqual(y.shape, x.shape, name)
            self.assertGreaterEqual(float(y.min()), -1e-6, name)
            self.assertLessEqual(float(y.max()), 1 + 1e-6, name)
        inverted = shifts()["inverted contrast in the head"](x)
        self.assertEqual(float(inverted[0, 0, 0, 0]), 0.0)
        self.assertAlmostEqual(float(inverted[0, 0, 16, 16]), 1 - float(x[0, 0, 16, 16]), places=6)
        self.assertTrue(torch.equal(shifts()["none"](x), x))

    def test_zoom_shrinks_the_head(self):
        x = disc_slices()
        self.assertLess(float((rotate_and_zoom(x, zoom=0.8) > 0.05).sum()), float((x > 0.05).sum()))

    def test_check_reports_accuracy_and_tumor_rates_for_every_shift(self):
        torch.manual_seed(0)
        images = (disc_slices(8) * 255).to(torch.uint8)
        labels = torch.tensor([0, 1, 2, 3, 0, 1, 2, 3])
        rows = check(build("tinynet"), images, labels)
        self.assertEqual(set(rows), set(shifts()))
        for r in rows.values():
            self.assertTrue(0 <= r["accuracy"] <= 1 and 0 <= r["tumor_sensitivity"] <= 1)


if __name__ == "__main__":
    unittest.main()
