"""Trains one architecture on the prepared training set, checkpointing every epoch (resumable), then exports ONNX.

  /usr/bin/python3 -m medcrypt_training.train --model densenet121 --data .work/prepared-128 --epochs 30
  (from models/training; on a GPU machine the same command uses CUDA)

The validation split is never looked at while training: early stopping uses a holdout carved from the training
split. Validation metrics are computed once, on the final model, and written to the model's report.
"""
import argparse
import json
import os
import time

import torch
import torch.nn.functional as F

from . import augment as aug
from . import manifest
from .data import CLASSES, load_prepared, split_fingerprint
from .metrics import evaluate
from .models import build
from .onnx_export import export

MEAN, STD = 0.5, 0.5  # pixel/255 → (x − 0.5) / 0.5, gray replicated to 3 channels; written to the manifest


def to_input(x01):
    return ((x01 - MEAN) / STD).expand(-1, 3, -1, -1)


@torch.no_grad()
def predict(model, images, device, batch_size=128):
    model.eval()
    out = []
    for i in range(0, len(images), batch_size):
        x = images[i:i + batch_size].float().div(255).to(device)
        out.append(F.softmax(model(to_input(x)), 1).cpu())
    return torch.cat(out) if out else torch.zeros(0, len(CLASSES))


def pretrained_provenance(model):
    """Where ImageNet weights came from, for the model card; None for models trained from scratch."""
    if model != "resnet18":
        return None
    from . import pretrained
    return {"package": "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1", "license": "MIT",
            "file": "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx", "sha256": pretrained.sha256(pretrained.RESNET18_ONNX)}


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True, choices=["densenet121", "xception", "resnet18"])
    p.add_argument("--data", required=True, help="a folder written by models/training/export")
    p.add_argument("--work", default=".work", help="checkpoints and reports (ignored by git)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--patience", type=int, default=6)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (smoke test)")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--onnx", help="where to export the final model")
    p.add_argument("--manifest", help="models.json to add or update the exported model's entry in")
    p.add_argument("--teacher", help="distil from this trained model's best checkpoint (e.g. resnet18): soft targets on the augmented batches")
    p.add_argument("--distillation-weight", type=float, default=0.5)
    p.add_argument("--temperature", type=float, default=2.0)
    args = p.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    (train_x, train_y, _), (val_x, val_y, val_names), meta = load_prepared(args.data)
    size = meta["size"]

    # Early stopping looks at a holdout of the training split, never at validation.
    g = torch.Generator().manual_seed(args.seed)
    order = torch.randperm(len(train_x), generator=g)
    holdout_n = max(1, len(order) // 10)
    hold_idx, fit_idx = order[:holdout_n], order[holdout_n:]

    model = build(args.model).to(device)
    teacher = None
    if args.teacher:
        teacher = build(args.teacher).to(device).eval()
        teacher.load_state_dict(torch.load(os.path.join(args.work, "checkpoints", f"{args.teacher}-{size}", "best.pt"), map_location=device))
    optimizer = torch.optim.AdamW([q for q in model.parameters() if q.requires_grad], lr=args.lr, weight_decay=0.05)
    steps_per_epoch = max(1, len(fit_idx) // args.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch)
    folder = os.path.join(args.work, "checkpoints", f"{args.model}-{size}" + (f"-from-{args.teacher}" if args.teacher else ""))
    os.makedirs(folder, exist_ok=True)
    last, best = os.path.join(folder, "last.pt"), os.path.join(folder, "best.pt")
    state = {"epoch": 0, "best_holdout": -1.0, "stale": 0, "history": [], "seconds": 0.0}
    if os.path.exists(last):
        saved = torch.load(last, map_location=device)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        state = saved["state"]
        g.set_state(saved["generator"])
        print(f"resumed {args.model} at epoch {state['epoch']}", flush=True)

    step = 0
    while state["epoch"] < args.epochs and state["stale"] < args.patience:
        started = time.time()
        model.train()
        perm = fit_idx[torch.randperm(len(fit_idx), generator=g)]
        total = 0.0
        for b in range(steps_per_epoch):
            idx = perm[b * args.batch_size:(b + 1) * args.batch_size]
            x = aug.augment(train_x[idx], g).to(device)
            logits = model(to_input(x))
            loss = F.cross_entropy(logits, train_y[idx].to(device), label_smoothing=0.1)
            if teacher is not None:
                with torch.no_grad():
                    soft = F.softmax(teacher(to_input(x)) / args.temperature, 1)
                distillation = F.kl_div(F.log_softmax(logits / args.temperature, 1), soft, reduction="batchmean") * args.temperature ** 2
                loss = (1 - args.distillation_weight) * loss + args.distillation_weight * distillation
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += float(loss)
            step += 1
            if args.max_steps and step >= args.max_steps:
                break
        holdout = evaluate(predict(model, train_x[hold_idx], device), train_y[hold_idx])["accuracy"]
        state["epoch"] += 1
        state["seconds"] += time.time() - started
        state["history"].append({"epoch": state["epoch"], "loss": total / max(1, b + 1), "holdout_accuracy": holdout})
        if holdout > state["best_holdout"]:
            state["best_holdout"], state["stale"] = holdout, 0
            torch.save(model.state_dict(), best)
        else:
            state["stale"] += 1
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                    "state": state, "generator": g.get_state()}, last)
        print(f"epoch {state['epoch']}: loss {total / max(1, b + 1):.4f}, holdout accuracy {holdout:.4f}, "
              f"{time.time() - started:.0f} s", flush=True)
        if args.max_steps and step >= args.max_steps:
            break

    model.load_state_dict(torch.load(best, map_location=device))
    report = {
        "model": args.model, "size": size, "device": device, "threads": args.threads,
        "epochs": state["epoch"], "train_seconds": round(state["seconds"]), "history": state["history"],
        "teacher": args.teacher, "distillation_weight": args.distillation_weight if args.teacher else None,
        "dataset_sha256sums_hash": meta.get("dataset_sha256_sums_hash"),
        "pretrained": pretrained_provenance(args.model),
        "preparation_version": meta.get("preparation_version"),
        "validation_split": {"images": len(val_y), "fingerprint": split_fingerprint(val_names)},
        "normalisation": {"scale": 1 / 255, "mean": [MEAN] * 3, "std": [STD] * 3},
        "validation": evaluate(predict(model, val_x, device), val_y),
    }
    with open(os.path.join(folder, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    with open(os.path.join(folder, "validation.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(sorted(val_names)) + "\n")  # for the C# evaluation command's --files
    if args.onnx:
        export(model.cpu(), size, args.onnx)
        if args.manifest:
            manifest.upsert(args.manifest, manifest.entry(args.model, args.onnx, size, [MEAN] * 3, [STD] * 3, report))
    print(json.dumps(report["validation"], indent=2), flush=True)
    return report


if __name__ == "__main__":
    main()
