"""Near-duplicate grouping on slices generated in code: a re-encoded, slightly changed copy is found and grouped,
an unrelated slice is not."""
import io
import unittest

import numpy as np
from PIL import Image

from medcrypt_training.near_duplicates import components, distances, group_ids, phash_array
from medcrypt_training.dataset_groups import group_slices


def phantom(seed: int, size: int = 128) -> np.ndarray:
    """A head-like ellipse with a few bright blobs placed by the seed."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:size, :size] / size
    img = ((yy - 0.5) ** 2 / 0.16 + (xx - 0.5) ** 2 / 0.12 < 1) * 60.0
    for _ in range(6):
        cy, cx, r = rng.uniform(0.25, 0.75), rng.uniform(0.25, 0.75), rng.uniform(0.04, 0.12)
        img += ((yy - cy) ** 2 + (xx - cx) ** 2 < r * r) * rng.uniform(40, 150)
    return img.clip(0, 255).astype(np.uint8)


def reencoded(img: np.ndarray, size: int = 224, quality: int = 70) -> np.ndarray:
    """The same slice rescaled and saved as a lossy JPEG: what the collection's twins are."""
    buffer = io.BytesIO()
    Image.fromarray(img).resize((size, size), Image.BICUBIC).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))


class NearDuplicatesTest(unittest.TestCase):
    def test_a_reencoded_copy_is_within_the_radius_and_an_unrelated_slice_is_not(self):
        a, b, other = phantom(1), reencoded(phantom(1)), phantom(2)
        d = distances([phash_array(a), phash_array(b), phash_array(other)])
        self.assertLessEqual(int(d[0, 1]), 2)
        self.assertGreater(int(d[0, 2]), 6)

    def test_union_find_joins_chains_and_leaves_singletons(self):
        self.assertEqual(components(5, [(0, 1), (1, 3)]), [0, 0, 2, 0, 4])
        self.assertEqual(group_ids(["c", "a", "b"], [(0, 2)]), {"c": "b", "a": "a", "b": "b"})

    def test_slices_are_grouped_by_hash_and_pixels_and_by_patient(self):
        images = {"x:notumor/a.png": phantom(1), "x:notumor/a-copy.jpg": reencoded(phantom(1)),
                  "x:notumor/b.png": phantom(2), "y:glioma/p1_1.png": phantom(3), "y:notumor/p1_2.png": phantom(4)}
        names = sorted(images)
        groups = group_slices(names, [phash_array(images[n]) for n in names], images.__getitem__,
                              patients={"y:glioma/p1_1.png": "p1", "y:notumor/p1_2.png": "p1"})
        self.assertEqual(groups["x:notumor/a.png"], groups["x:notumor/a-copy.jpg"])
        self.assertNotEqual(groups["x:notumor/a.png"], groups["x:notumor/b.png"])
        self.assertEqual(groups["y:glioma/p1_1.png"], groups["y:notumor/p1_2.png"])

    def test_a_hash_match_whose_pixels_disagree_is_not_joined(self):
        a = phantom(1)
        names = ["x:a.png", "x:b.png"]
        flat = np.full_like(a, 7)
        read = {"x:a.png": a, "x:b.png": flat}.__getitem__
        groups = group_slices(names, [0, 0], read)  # identical hashes, unrelated pixels
        self.assertNotEqual(groups["x:a.png"], groups["x:b.png"])


if __name__ == "__main__":
    unittest.main()
