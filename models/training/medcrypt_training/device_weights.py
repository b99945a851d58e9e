"""A checkpoint across the device machine's return limits (8 files of at most 16 MiB): on the device, `split` writes
best.pt as float16 chunks (Xception's 21 M parameters: 84 MB in float32, 42 MB in float16) beside the run's
report.json; here, `join` checks and reassembles them as a float32 best.pt in a checkpoint folder, where publish.py
exports it and recomputes the validation metrics from exactly these weights.
  device: python3 -m medcrypt_training.device_weights split --checkpoint WORK/checkpoints/xception-128 --out "$OUT"
  here:   /usr/bin/python3 -m medcrypt_training.device_weights join --run FILES_AT --checkpoint .work/checkpoints/xception-128
Chunks are a plain .npz (numpy, no pickle): readable whatever the two machines' torch versions."""
import argparse
import hashlib
import io
import json
import os
import shutil
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

CHUNK = 15 * 2 ** 20
INDEX = "weights.json"


def split(checkpoint: str, out: str, chunk: int = CHUNK) -> List[str]:
    state = torch.load(os.path.join(checkpoint, "best.pt"), map_location="cpu")
    arrays = {}
    for name, t in state.items():
        if t.is_floating_point():
            half = t.half()
            t = half if bool(torch.isfinite(half).all()) else t  # beyond float16's range: stays float32
        arrays[name] = t.contiguous().numpy()
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    data = buffer.getvalue()
    os.makedirs(out, exist_ok=True)
    chunks = []
    for i in range(0, len(data), chunk):
        chunks.append(f"best.fp16.npz.{i // chunk:02d}")
        with open(os.path.join(out, chunks[-1]), "wb") as f:
            f.write(data[i:i + chunk])
    with open(os.path.join(out, INDEX), "w", encoding="utf-8") as f:
        json.dump({"chunks": chunks, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}, f, indent=2)
    shutil.copy(os.path.join(checkpoint, "report.json"), os.path.join(out, "report.json"))
    return chunks


def join(run: str, checkpoint: str) -> Dict[str, torch.Tensor]:
    """The run's chunks → `checkpoint`/best.pt (float32 again) and report.json; its other files are copied along."""
    with open(os.path.join(run, INDEX), encoding="utf-8") as f:
        index = json.load(f)
    data = b""
    for c in index["chunks"]:
        with open(os.path.join(run, c), "rb") as f:
            data += f.read()
    if len(data) != index["bytes"] or hashlib.sha256(data).hexdigest() != index["sha256"]:
        raise ValueError(f"the chunks in {run} do not reassemble to the file the device wrote")
    with np.load(io.BytesIO(data)) as z:
        state = {name: torch.from_numpy(z[name].copy()) for name in z.files}
    state = {name: t.float() if t.is_floating_point() else t for name, t in state.items()}
    os.makedirs(checkpoint, exist_ok=True)
    torch.save(state, os.path.join(checkpoint, "best.pt"))
    for name in os.listdir(run):
        if name != INDEX and name not in index["chunks"] and os.path.isfile(os.path.join(run, name)):
            shutil.copy(os.path.join(run, name), os.path.join(checkpoint, name))
    with open(os.path.join(checkpoint, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    report["weights"] = "float16 from the device run, float32 again here"
    with open(os.path.join(checkpoint, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    return state


def main(argv: Optional[Sequence[str]] = None) -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("split", help="on the device: a checkpoint folder's best.pt → float16 chunks in --out")
    s.add_argument("--checkpoint", required=True)
    s.add_argument("--out", required=True)
    j = sub.add_parser("join", help="here: a device run's files → a checkpoint folder's best.pt and report.json")
    j.add_argument("--run", required=True)
    j.add_argument("--checkpoint", required=True)
    args = p.parse_args(argv)
    if args.command == "split":
        print("\n".join(split(args.checkpoint, args.out)))
    else:
        join(args.run, args.checkpoint)
        print(f"{args.checkpoint}/best.pt")


if __name__ == "__main__":
    main()
