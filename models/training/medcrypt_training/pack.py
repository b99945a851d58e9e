"""The prepared training set as one compact file, for machines it has to be carried to (a device call sends at most
64 MiB; the PNG folder is 80 MB): a standard .npz (np.load reads it) whose members are LZMA-compressed, about 44 MiB
at 128 px. load_prepared reads it like the folder, with the same names, tensors and split.
  /usr/bin/python3 -m medcrypt_training.pack --data .work/prepared-128 --out ../../.devicecarry/prepared-128.npz"""
import argparse
import json
import os
import zipfile
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from .data import CLASSES, prepared_files


def write(folder: str, path: str) -> str:
    meta, files_by_class, read_one = prepared_files(folder)
    names = sorted(n for files in files_by_class.values() for n in files)
    arrays = {"images": np.stack([read_one(n).numpy() for n in names]),  # N×1×S×S uint8
              "names": np.array(names), "meta": np.array(json.dumps(meta))}  # plain strings: no pickle needed to read
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_LZMA) as z:  # LZMA: 12 % smaller than savez_compressed
        for key, value in arrays.items():
            with z.open(key + ".npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, value, allow_pickle=False)
    return path


def read(path: str) -> Tuple[dict, Dict[str, List[str]], Callable[[str], torch.Tensor]]:
    """What data.prepared_files gives for the folder: dataset.json, the names by class, and a reader of one name."""
    with np.load(path) as z:
        images = torch.from_numpy(z["images"].copy())
        names = z["names"].tolist()
        meta = json.loads(str(z["meta"]))
    index = {n: i for i, n in enumerate(names)}
    files_by_class = {c: [n for n in names if os.path.dirname(n) == c] for c in CLASSES}
    return meta, files_by_class, lambda f: images[index[f]]


def main(argv: Optional[Sequence[str]] = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="a folder written by models/training/export")
    p.add_argument("--out", required=True, help="the packed file (.npz)")
    args = p.parse_args(argv)
    write(args.data, args.out)
    print(f"{args.out}: {os.path.getsize(args.out) / 2 ** 20:.1f} MiB")


if __name__ == "__main__":
    main()
