"""Near-duplicate slices: a 64-bit DCT perceptual hash, Hamming distances, a pixel-correlation check, and groups as
connected components.

Byte-identical copies were removed from the collection, re-encoded and re-scaled ones were not (its README): a split
by file puts copies of training slices into validation. Slices whose hashes lie within a small radius, and whose
pixels agree (a 64-bit hash of these smooth slices alone already pairs unrelated ones at distance 2: measured in
splits/README.md), are joined (union-find), and a split keeps every group on one side."""
from typing import Callable, Dict, Iterable, List, Sequence, Tuple

import numpy as np
from PIL import Image

RADIUS = 2        # Hamming radius, chosen by measurement (splits/README.md)
MIN_CORRELATION = 0.97  # Pearson r of the 64×64 gray thumbnails that confirms a pair
HASH_SIZE = 8  # 8×8 low-frequency DCT coefficients: 64 bits
_SAMPLE = 32   # the gray slice is resized to 32×32 before the DCT (pHash's usual 4× oversampling)


def _dct_matrix(n: int) -> np.ndarray:
    k, x = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    m = np.cos(np.pi * (2 * x + 1) * k / (2 * n)) * np.sqrt(2 / n)
    m[0] /= np.sqrt(2)
    return m


_DCT = _dct_matrix(_SAMPLE)


def phash_array(gray: np.ndarray) -> int:
    """pHash of a 2-D gray array: bit i set where low-frequency coefficient i exceeds their median (DC excluded from
    the median, as it only says how bright the slice is)."""
    small = np.asarray(Image.fromarray(np.asarray(gray, dtype=np.uint8)).resize((_SAMPLE, _SAMPLE), Image.BICUBIC),
                       dtype=np.float64)
    low = (_DCT @ small @ _DCT.T)[:HASH_SIZE, :HASH_SIZE].ravel()
    bits = low > np.median(low[1:])
    return int(np.packbits(bits).view(">u8")[0])


def phash_file(path: str) -> int:
    """pHash of an image file (JPEG or PNG, any mode), read as 8-bit gray."""
    with Image.open(path) as im:
        return phash_array(np.asarray(im.convert("L")))


_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def distances(hashes: Sequence[int]) -> np.ndarray:
    """The N×N Hamming distance matrix (uint8) of 64-bit hashes."""
    h = np.array(hashes, dtype=np.uint64)
    out = np.empty((len(h), len(h)), dtype=np.uint8)
    for start in range(0, len(h), 512):  # rows in blocks: 512×N×8 bytes at a time
        x = (h[start:start + 512, None] ^ h[None, :]).view(np.uint8).reshape(-1, len(h), 8)
        out[start:start + 512] = _POPCOUNT[x].sum(axis=2, dtype=np.uint8)
    return out


def close_pairs(dist: np.ndarray, radius: int) -> List[Tuple[int, int]]:
    """Pairs i < j within `radius`."""
    i, j = np.nonzero(np.triu(dist <= radius, k=1))
    return list(zip(i.tolist(), j.tolist()))


def components(n: int, pairs: Iterable[Tuple[int, int]]) -> List[int]:
    """Union-find: for each of n items, the smallest index of its connected component."""
    parent = list(range(n))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(a) for a in range(n)]


def thumbnail(gray: np.ndarray, size: int = 64) -> np.ndarray:
    """The slice at size×size, centred and scaled to unit norm: the dot product of two is their Pearson r."""
    a = np.asarray(Image.fromarray(np.asarray(gray, dtype=np.uint8)).resize((size, size), Image.BILINEAR), dtype=np.float64).ravel()
    a = a - a.mean()
    return a / (np.linalg.norm(a) + 1e-9)


def confirmed_pairs(pairs: Iterable[Tuple[int, int]], thumb: Callable[[int], np.ndarray],
                    min_correlation: float = MIN_CORRELATION) -> List[Tuple[int, int]]:
    """The hash's candidate pairs whose thumbnails correlate at least `min_correlation`."""
    return [(a, b) for a, b in pairs if float(thumb(a) @ thumb(b)) >= min_correlation]


def group_ids(names: Sequence[str], pairs: Iterable[Tuple[int, int]]) -> Dict[str, str]:
    """Each name → its group's id (the smallest name of its connected component)."""
    comp = components(len(names), pairs)
    smallest: Dict[int, str] = {}
    for k, c in enumerate(comp):
        smallest[c] = min(smallest.get(c, names[k]), names[k])
    return {name: smallest[c] for name, c in zip(names, comp)}
