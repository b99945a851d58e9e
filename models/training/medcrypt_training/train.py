"""Trains one architecture on the prepared training set, checkpointing every epoch (resumable), then exports ONNX.

  /usr/bin/python3 -m medcrypt_training.train --model densenet121 --data .work/prepared-128 --epochs 30
  (from models/training; on a GPU machine the same command uses CUDA: the training set is kept on the GPU and
  augmented there, batches of 64 by default, bfloat16 autocast; see device_train.sh)

The validation split is never looked at while training: early stopping uses a holdout carved from the training
split. Validation metrics are computed once, on the final model, and written to the model's report.
"""
import argparse
import contextlib
import copy
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


def mixed_precision(device):
    """bfloat16 autocast on a GPU (no loss scaling needed); the CPU computes in float32 as before."""
    return torch.autocast("cuda", dtype=torch.bfloat16) if device == "cuda" else contextlib.nullcontext()


def train_step(model, optimizer, batch, labels, generator, args, teacher=None):
    """One optimisation step on an augmented uint8 batch, augmented on the batch's device; returns the loss."""
    x = aug.augment(batch, generator)
    with mixed_precision(batch.device.type):
        logits = model(to_input(x))
        loss = F.cross_entropy(logits, labels, label_smoothing=0.1)
        if teacher is not None:
            with torch.no_grad():
                soft = F.softmax(teacher(to_input(x)) / args.temperature, 1)
            distillation = F.kl_div(F.log_softmax(logits / args.temperature, 1), soft, reduction="batchmean") * args.temperature ** 2
            loss = (1 - args.distillation_weight) * loss + args.distillation_weight * distillation
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.detach()


def probe_seconds(model, make_optimizer, x, y, fit_idx, hold_idx, batch_size, args, teacher=None, warmup=3, steps=10):
    """Seconds per training step and per holdout pass, timed on a throwaway copy of the model with its own generator
    (the run's random streams are untouched) after warm-up steps (cuDNN's autotuning, allocations)."""
    device = x.device.type
    probe = copy.deepcopy(model)
    optimizer, g = make_optimizer(probe), torch.Generator().manual_seed(0)

    def run(n):
        for _ in range(n):
            idx = fit_idx[torch.randint(len(fit_idx), (batch_size,), generator=g)].to(device)
            train_step(probe, optimizer, x[idx], y[idx], g, args, teacher)
        if device == "cuda":
            torch.cuda.synchronize()

    run(warmup)
    started = time.time()
    run(steps)
    per_step = (time.time() - started) / steps
    started = time.time()
    predict(probe, x[hold_idx.to(device)], device)
    return per_step, time.time() - started


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
    p.add_argument("--batch-size", type=int, help="default 32 on the CPU, 64 on a GPU (32 barely occupies one)")
    p.add_argument("--lr", type=float, help="default 1e-3 on the CPU, 1.4e-3 on a GPU (√2: square-root scaling for Adam)")
    p.add_argument("--patience", type=int, default=6)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (smoke test)")
    p.add_argument("--max-minutes", type=float, default=0,
                   help="wall-clock budget of the whole run: a timing probe sizes the epoch count (at most --epochs) "
                        "so the one-cycle schedule completes in it; an epoch that would overrun it is not started")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--onnx", help="where to export the final model")
    p.add_argument("--manifest", help="models.json to add or update the exported model's entry in")
    p.add_argument("--teacher", help="distil from this trained model's best checkpoint (e.g. resnet18): soft targets on the augmented batches")
    p.add_argument("--distillation-weight", type=float, default=0.5)
    p.add_argument("--temperature", type=float, default=2.0)
    p.add_argument("--init-from", help="a second cycle: start from this run's best checkpoint (e.g. densenet121-128) "
                                        "with a fresh optimizer and schedule; checkpoints go to <run>-continued")
    args = p.parse_args(argv)

    deadline = time.time() + args.max_minutes * 60 if args.max_minutes else None
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed shapes: cuDNN picks its fastest kernels once
    batch_size = args.batch_size or (64 if device == "cuda" else 32)
    lr = args.lr or (1.4e-3 if device == "cuda" else 1e-3)
    (train_x, train_y, _), (val_x, val_y, val_names), meta = load_prepared(args.data)
    size = meta["size"]
    # The whole training set fits on a GPU (90 MB at 128 px): batches are cut and augmented there. No-op on the CPU.
    data_x, data_y = train_x.to(device), train_y.to(device)

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

    def make_optimizer(m):
        return torch.optim.AdamW([q for q in m.parameters() if q.requires_grad], lr=lr, weight_decay=0.05)

    optimizer = make_optimizer(model)
    steps_per_epoch = max(1, len(fit_idx) // batch_size)
    folder = os.path.join(args.work, "checkpoints", f"{args.init_from}-continued" if args.init_from else
                          f"{args.model}-{size}" + (f"-from-{args.teacher}" if args.teacher else ""))
    os.makedirs(folder, exist_ok=True)
    last, best = os.path.join(folder, "last.pt"), os.path.join(folder, "best.pt")
    saved = torch.load(last, map_location=device) if os.path.exists(last) else None
    if args.init_from and saved is None:
        model.load_state_dict(torch.load(os.path.join(args.work, "checkpoints", args.init_from, "best.pt"), map_location=device))
    epochs, reserve = args.epochs, 15.0  # reserve: seconds kept for the final validation pass and the report
    if saved is not None:
        epochs = saved["state"].get("epochs", args.epochs)  # the schedule's length is the first run's
    elif deadline:
        per_step, holdout_seconds = probe_seconds(model, make_optimizer, data_x, data_y, fit_idx, hold_idx, batch_size, args, teacher)
        epoch_seconds = steps_per_epoch * per_step + holdout_seconds
        reserve += holdout_seconds * len(val_x) / holdout_n
        fit = int((deadline - time.time() - reserve) / (1.15 * epoch_seconds))  # 15 %: checkpoints, slower epochs
        epochs = max(1, min(args.epochs, fit))
        print(f"probe: {per_step * 1000:.0f} ms per step of {batch_size}, ~{epoch_seconds:.1f} s per epoch: "
              f"{epochs} epochs (at most {args.epochs}) in {args.max_minutes:g} min", flush=True)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=epochs * steps_per_epoch)
    state = {"epoch": 0, "epochs": epochs, "best_holdout": -1.0, "stale": 0, "history": [], "seconds": 0.0}
    if saved is not None:
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        state = saved["state"]
        g.set_state(saved["generator"])
        print(f"resumed {args.model} at epoch {state['epoch']}", flush=True)

    step, slowest = 0, 0.0
    while state["epoch"] < epochs and state["stale"] < args.patience:
        started = time.time()
        model.train()
        perm = fit_idx[torch.randperm(len(fit_idx), generator=g)].to(device)
        total = torch.zeros((), dtype=torch.float64, device=device)  # summed where it lies: no GPU sync per step
        for b in range(steps_per_epoch):
            idx = perm[b * batch_size:(b + 1) * batch_size]
            total += train_step(model, optimizer, data_x[idx], data_y[idx], g, args, teacher)
            schedule.step()
            step += 1
            if args.max_steps and step >= args.max_steps:
                break
        holdout = evaluate(predict(model, data_x[hold_idx.to(device)], device), train_y[hold_idx])["accuracy"]
        loss = float(total) / max(1, b + 1)
        state["epoch"] += 1
        state["seconds"] += time.time() - started
        state["history"].append({"epoch": state["epoch"], "loss": loss, "holdout_accuracy": holdout})
        if holdout > state["best_holdout"]:
            state["best_holdout"], state["stale"] = holdout, 0
            torch.save(model.state_dict(), best)
        else:
            state["stale"] += 1
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                    "state": state, "generator": g.get_state()}, last)
        slowest = max(slowest, time.time() - started)
        print(f"epoch {state['epoch']}: loss {loss:.4f}, holdout accuracy {holdout:.4f}, "
              f"{time.time() - started:.0f} s", flush=True)
        if args.max_steps and step >= args.max_steps:
            break
        if deadline and state["epoch"] < epochs and time.time() + slowest > deadline - reserve:
            print(f"stopping after epoch {state['epoch']} of {epochs}: the next would overrun --max-minutes", flush=True)
            break

    model.load_state_dict(torch.load(best, map_location=device))
    report = {
        "model": args.model, "size": size, "device": device, "threads": args.threads,
        "gpu": torch.cuda.get_device_name() if device == "cuda" else None,
        "batch_size": batch_size, "lr": lr, "mixed_precision": "bfloat16" if device == "cuda" else None,
        "epochs": state["epoch"], "planned_epochs": epochs, "train_seconds": round(state["seconds"]), "history": state["history"],
        "teacher": args.teacher, "distillation_weight": args.distillation_weight if args.teacher else None,
        "initialised_from": args.init_from,
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
