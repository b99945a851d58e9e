"""The invariance check: each model on the validation split under fixed acquisition shifts that stand in for
another hospital's scanner — inverted contrast inside the head, three fixed non-monotonic curves, gamma 0.5 and 2.0,
blur, noise, a 15° rotation, a 0.8 zoom — with 4-class accuracy and tumor sensitivity / specificity for each.
  cd models/training && /usr/bin/python3 -m medcrypt_training.invariance --model resnet18 --data .work/prepared-128"""
import argparse
import json
import math
import os
from typing import Callable, Dict, Optional, Sequence

import torch
import torch.nn.functional as F

from .augment import apply_curve, head_mask
from .data import load_prepared
from .metrics import evaluate
from .models import load_checkpoint
from .steps import to_input

CURVES = {  # values of the curve at 0, ⅕, …, 1: each maps some brighter tissue darker than some darker tissue
    "curve A (V-shaped)": [0.0, 0.7, 0.3, 0.1, 0.5, 1.0],
    "curve B (bright middle)": [0.0, 0.3, 0.9, 1.0, 0.6, 0.4],
    "curve C (zig-zag)": [0.0, 0.8, 0.2, 0.9, 0.3, 0.7],
}


def rotate_and_zoom(x: torch.Tensor, degrees: float = 0.0, zoom: float = 1.0) -> torch.Tensor:
    a = math.radians(degrees)
    theta = torch.tensor([[math.cos(a) / zoom, -math.sin(a) / zoom, 0.0], [math.sin(a) / zoom, math.cos(a) / zoom, 0.0]])
    grid = F.affine_grid(theta.expand(x.shape[0], 2, 3), x.shape, align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def shifts() -> Dict[str, Callable[[torch.Tensor], torch.Tensor]]:
    noise = torch.Generator().manual_seed(7)
    table = {
        "none": lambda x: x,
        "inverted contrast in the head": lambda x: torch.where(head_mask(x) > 0, 1 - x, x),
    }
    for name, knots in CURVES.items():
        table[name] = lambda x, k=knots: apply_curve(x, head_mask(x), torch.tensor(k).expand(x.shape[0], -1))
    table.update({
        "gamma 0.5": lambda x: x.clamp(0, 1) ** 0.5,
        "gamma 2.0": lambda x: x.clamp(0, 1) ** 2.0,
        "blur (Gaussian, σ = 1 px)": lambda x: gaussian_blur(x, 1.0),
        "noise (σ = 5 % of range)": lambda x: (x + torch.randn(x.shape, generator=noise) * 0.05).clamp(0, 1),
        "rotation 15°": lambda x: rotate_and_zoom(x, degrees=15),
        "zoom 0.8": lambda x: rotate_and_zoom(x, zoom=0.8),
    })
    return table


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    radius = math.ceil(3 * sigma)
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-(t ** 2) / (2 * sigma ** 2))
    k = k / k.sum()
    x = F.conv2d(F.pad(x, (radius, radius, 0, 0), mode="replicate"), k.view(1, 1, 1, -1))
    return F.conv2d(F.pad(x, (0, 0, radius, radius), mode="replicate"), k.view(1, 1, -1, 1))


@torch.no_grad()
def check(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 64,
          temperature: float = 1.0, threshold: float = 0.5) -> Dict[str, dict]:
    """Each shift's figures; `temperature` and `threshold` are a manifest's calibration and operating point."""
    model.eval()
    rows = {}
    for name, shift in shifts().items():
        probabilities = []
        for i in range(0, len(images), batch_size):
            x = shift(images[i:i + batch_size].float() / 255)
            probabilities.append(F.softmax(model(to_input(x)) / temperature, 1))
        m = evaluate(torch.cat(probabilities), labels, threshold)
        rows[name] = {"accuracy": m["accuracy"], "tumor_sensitivity": m["tumor_sensitivity"], "tumor_specificity": m["tumor_specificity"]}
    return rows


@torch.no_grad()
def by_brightness(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, names: Sequence[str], originals: str,
                  batch_size: int = 64) -> dict:
    """Accuracy and tumor sensitivity by quartile of the original slice's mean brightness: in this collection bright
    slices are mostly 'notumor' (see the dataset's README), so a model that learned brightness fails on bright tumors."""
    from torchvision.io import ImageReadMode, read_image
    brightness = torch.tensor([float(read_image(os.path.join(originals, os.path.splitext(n)[0] + ".jpg"), ImageReadMode.GRAY).float().mean())
                               for n in names])
    probabilities = torch.cat([F.softmax(model.eval()(to_input(images[i:i + batch_size].float() / 255)), 1)
                               for i in range(0, len(images), batch_size)])
    edges = torch.quantile(brightness, torch.tensor([0.25, 0.5, 0.75]))
    quartile = torch.bucketize(brightness, edges)
    rows = {}
    for q in range(4):
        chosen = quartile == q
        m = evaluate(probabilities[chosen], labels[chosen])
        lo = float(brightness[chosen].min())
        hi = float(brightness[chosen].max())
        rows[f"Q{q + 1} (mean {lo:.0f}–{hi:.0f})"] = {"images": int(chosen.sum()), "accuracy": m["accuracy"],
                                                       "tumor_sensitivity": m["tumor_sensitivity"], "tumor_specificity": m["tumor_specificity"]}
    return rows


def main(argv: Optional[Sequence[str]] = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--split", help="a grouped split's lists (scripts/make_splits.py): its validation part is checked")
    p.add_argument("--onnx", help="check this exported model (read back by onnx_import) instead of the run's checkpoint")
    p.add_argument("--mirror", action="store_true", help="with --onnx: read it with the mirror averaging the shipped graph "
                                                         "adds (medcrypt_training/tta.py); --check proves it is the shipped one")
    p.add_argument("--manifest", help="models.json: the model's temperature and tumor threshold (else 1 and 0.5)")
    p.add_argument("--check", help="the C# evaluation's --logits on the same validation slices: the imported model "
                                   "must agree with ONNX Runtime before any shift is measured")
    p.add_argument("--out", help="where the figures go as JSON (default: beside the checkpoint)")
    p.add_argument("--originals", help="the original dataset, for accuracy by brightness quartile")
    p.add_argument("--work", default=".work")
    p.add_argument("--run", help="the run's checkpoint folder under <work>/checkpoints (default <model>-<size>; "
                                 "a second cycle's is <model>-<size>-continued)")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    _, (val_x, val_y, val_names), meta = load_prepared(args.data, args.split)
    folder = os.path.join(args.work, "checkpoints", args.run or f"{args.model}-{meta['size']}")
    if args.onnx:
        from .onnx_import import check_against, load_exported
        model = load_exported(args.model, args.onnx)
        if args.mirror:
            from .tta import MirrorAveraged
            model = MirrorAveraged(model)
        if args.check:
            worst = check_against(model, to_input(val_x.float() / 255), val_names, args.check, name=args.model)
            print(f"the imported model agrees with ONNX Runtime on {len(val_names)} slices: max |Δ logit| {worst:.1e}")
    else:
        model = load_checkpoint(args.model, folder)
    temperature, threshold = 1.0, 0.5
    if args.manifest:
        with open(args.manifest, encoding="utf-8") as f:
            entry = next(m for m in json.load(f)["models"] if m["name"] == args.model)
        temperature, threshold = entry.get("temperature", 1.0), entry.get("tumorThreshold", 0.5)
    rows = check(model, val_x, val_y, temperature=temperature, threshold=threshold)
    out = args.out or os.path.join(folder, "invariance.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"temperature": temperature, "threshold": threshold, "shifts": rows}, f, indent=2)
    print(f"| {args.model}, validation ({len(val_y)} slices), P(tumor) ≥ {threshold:g} at T = {temperature:g} "
          "| 4-class accuracy | tumor sensitivity | tumor specificity |")
    print("|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['accuracy']:.2%} | {r['tumor_sensitivity']:.2%} | {r['tumor_specificity']:.2%} |")
    if args.originals:
        quartiles = by_brightness(model, val_x, val_y, val_names, args.originals)
        with open(os.path.join(folder, "brightness.json"), "w", encoding="utf-8") as f:
            json.dump(quartiles, f, indent=2)
        print(f"\n| {args.model}, by brightness of the original slice | slices | 4-class accuracy | tumor sensitivity | tumor specificity |")
        print("|---|---|---|---|---|")
        for name, r in quartiles.items():
            print(f"| {name} | {r['images']} | {r['accuracy']:.2%} | {r['tumor_sensitivity']:.2%} | {r['tumor_specificity']:.2%} |")


if __name__ == "__main__":
    main()
