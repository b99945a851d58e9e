"""Exports a trained checkpoint (best.pt of a train.py run) as ONNX, lists its validation split, and adds it to a
models.json. For runs that did not pass --onnx, or to re-export.
  /usr/bin/python3 -m medcrypt_training.publish --model resnet18 --data .work/prepared-128 --onnx ../resnet18.onnx --manifest ../models.json"""
import argparse
import json
import os
from typing import Optional, Sequence

from . import manifest
from .data import load_prepared
from .metrics import evaluate
from .models import load_checkpoint
from .onnx_export import export
from .steps import MEAN, STD, predict
from .tta import MirrorAveraged


def main(argv: Optional[Sequence[str]] = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--work", default=".work")
    p.add_argument("--run", help="the run's checkpoint folder under <work>/checkpoints (default <model>-<size>; "
                                 "a second cycle's is <model>-<size>-continued)")
    p.add_argument("--onnx", required=True)
    p.add_argument("--manifest", required=True)
    args = p.parse_args(argv)
    _, (val_x, val_y, val_names), meta = load_prepared(args.data)
    folder = os.path.join(args.work, "checkpoints", args.run or f"{args.model}-{meta['size']}")
    model = load_checkpoint(args.model, folder)
    with open(os.path.join(folder, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    if report.get("mirror"):
        model = MirrorAveraged(model)  # train --mirror chose these weights for their mirrored reading: ship that
    report["validation"] = evaluate(predict(model, val_x, "cpu"), val_y)  # of exactly the exported weights
    with open(os.path.join(folder, "validation.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(sorted(val_names)) + "\n")
    export(model, meta["size"], args.onnx)
    manifest.upsert(args.manifest, manifest.entry(args.model, args.onnx, meta["size"], [MEAN] * 3, [STD] * 3, report))
    print(json.dumps(report["validation"], indent=2))


if __name__ == "__main__":
    main()
