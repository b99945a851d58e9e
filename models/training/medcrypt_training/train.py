"""Trains one architecture on the prepared training set, checkpointing every epoch (resumable), then exports ONNX.

  /usr/bin/python3 -m medcrypt_training.train --model densenet121 --data .work/prepared-128 --epochs 30
  (from models/training; on a GPU machine the same command uses CUDA: the training set is kept on the GPU and
  augmented there, batches of 64 by default, bfloat16 autocast; see device_train.sh)

The validation split is never looked at while training: early stopping uses a holdout carved from the training
split (or a grouped split's own holdout, --split). Validation metrics are computed once, on the final model, and
written to the model's report.

main is the five steps below, as torchvision's reference classification script is: parse_args, build_run (data,
holdout, model, optimizer, schedule, resumed state), train_one_epoch + evaluate_holdout per epoch (after
measure_start, a second cycle's epoch 0), report (the validation pass), export (report.json, validation.txt, ONNX,
manifest).
"""
import argparse
import json
import os
import time
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from . import calibration, manifest
from . import sources as multi
from .balance import balanced_order, cell_weights
from .data import load_prepared, read_split, split_fingerprint
from .metrics import NOTUMOR, evaluate
from .models import RESNET18_READS_AT, build
from .onnx_export import export
from .per_source import by_source
from .tta import MirrorAveraged

from .steps import MEAN, STD, predict, predict_logits, probe_seconds, train_step  # noqa: F401 (MEAN, STD, predict: the package's names for them)


def pretrained_provenance(model: str) -> Optional[dict]:
    """Where ImageNet weights came from, for the model card; None for models trained from scratch."""
    if model not in RESNET18_READS_AT:
        return None
    from . import pretrained
    return {"package": "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1", "license": "MIT",
            "file": "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx", "sha256": pretrained.sha256(pretrained.RESNET18_ONNX)}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True, choices=["densenet121", "xception", *RESNET18_READS_AT],
                   help="resnet18-224: the same ImageNet ResNet18, reading each slice resized to 224 px inside the graph")
    p.add_argument("--data", required=True, action="append",
                   help="a folder written by models/training/export; repeat it to train on several collections at once "
                        "(each then needs its own --split, in the same order; every slice is tagged with its source)")
    p.add_argument("--split", action="append",
                   help="a grouped split's lists (train.txt, holdout.txt, validation.txt; scripts/make_splits.py "
                        "writes .work/splits/brain-tumor-mri): its holdout replaces the random 10 %% of training; "
                        "default: today's stratified file split. Its folder's name names the source")
    p.add_argument("--balance", choices=["none", "cells"], default="none",
                   help="cells: each epoch draws the fit part with replacement, every (source, class) cell alike "
                        "(balance.py says why); none: each slice once per epoch, as before")
    p.add_argument("--work", default=".work", help="checkpoints and reports (ignored by git)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, help="default 32 on the CPU, 64 on a GPU (32 barely occupies one)")
    p.add_argument("--lr", type=float, help="default 1e-3 on the CPU, 1.4e-3 on a GPU (√2: square-root scaling for Adam)")
    p.add_argument("--patience", type=int, default=6,
                   help="epochs without a better holdout figure before stopping; the epochs at a one-cycle schedule's "
                        "peak rate are often worse than the first, so a second cycle (--init-from) wants one at least "
                        "as long as --epochs")
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
    p.add_argument("--run", help="the checkpoint folder's name under <work>/checkpoints (default: from the model, size, "
                                  "teacher and sources, or <init-from>-continued)")
    p.add_argument("--frozen-norms", action="store_true",
                   help="batch norms keep their statistics (eval mode) while the rest trains: needed from a model read "
                        "back from ONNX (onnx_import.save_checkpoint), whose folded norms are the identity plus a bias")
    p.add_argument("--select-by", choices=["accuracy", "screening"], default="accuracy",
                   help="what early stopping and the best checkpoint go by: holdout 4-class accuracy, or screening: "
                        "the lower source's share of tumor-free slices cleared at the threshold that finds >= 98 %% "
                        "of each source's holdout tumors, on probabilities calibrated on the holdout (the rule "
                        "calibration.py sets the portal's operating point by)")
    p.add_argument("--mirror", action="store_true",
                   help="read the holdout, validation and the ONNX export as the portal reads a mirrored model "
                        "(tta.MirrorAveraged: the mean logit of the slice and its left-right mirror)")
    args = p.parse_args(argv)
    if len(args.data) > 1 and len(args.split or []) != len(args.data):
        p.error("several --data need one --split each, in the same order")
    if len(args.data) == 1 and len(args.split or []) > 1:
        p.error("one --data takes at most one --split")
    return args


def holdout_indices(train_names: List[str], generator: torch.Generator, split: Optional[str]) -> Tuple[torch.Tensor, torch.Tensor]:
    """(holdout, fit) indices into the training part: a grouped split's holdout list, or else a random 10 %."""
    if split:
        holdout = set(read_split(split)["holdout"])
        is_holdout = torch.tensor([n in holdout for n in train_names], dtype=torch.bool)
        return is_holdout.nonzero().flatten(), (~is_holdout).nonzero().flatten()
    order = torch.randperm(len(train_names), generator=generator)
    holdout_n = max(1, len(order) // 10)
    return order[:holdout_n], order[holdout_n:]


@dataclass
class Run:
    """Everything one training run holds between its steps."""
    args: argparse.Namespace
    device: str
    batch_size: int
    lr: float
    size: int
    meta: dict
    data_x: torch.Tensor
    data_y: torch.Tensor
    train_y: torch.Tensor
    val: Tuple[torch.Tensor, torch.Tensor, List[str]]
    hold_idx: torch.Tensor
    fit_idx: torch.Tensor
    generator: torch.Generator
    model: torch.nn.Module      # what trains and is checkpointed
    reader: torch.nn.Module     # what is measured and exported: the model, or the model read with its mirror (--mirror)
    teacher: Optional[torch.nn.Module]
    optimizer: torch.optim.Optimizer
    schedule: torch.optim.lr_scheduler.OneCycleLR
    steps_per_epoch: int
    epochs: int
    folder: str
    state: dict
    deadline: Optional[float]
    reserve: float
    step: int = 0
    slowest: float = 0.0
    source_names: List[str] = field(default_factory=list)  # index = source id
    train_source: Optional[torch.Tensor] = None            # per training slice; None: one source, as before
    val_source: Optional[torch.Tensor] = None
    sample_weights: Optional[torch.Tensor] = None          # per fit slice, --balance cells
    last: str = field(init=False)
    best: str = field(init=False)

    def __post_init__(self) -> None:
        self.last, self.best = os.path.join(self.folder, "last.pt"), os.path.join(self.folder, "best.pt")


def build_run(args: argparse.Namespace) -> Run:
    """Data, holdout, model (and teacher), optimizer, schedule sized by --max-minutes, and a resumed state if any."""
    deadline = time.time() + args.max_minutes * 60 if args.max_minutes else None
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed shapes: cuDNN picks its fastest kernels once
    batch_size = args.batch_size or (64 if device == "cuda" else 32)
    lr = args.lr or (1.4e-3 if device == "cuda" else 1e-3)
    sources = None
    if len(args.data) > 1:
        sources = multi.load_sources(args.data, args.split)
        (train_x, train_y, train_names), val, meta = sources.train, sources.validation, multi.combined_meta(sources)
    else:
        (train_x, train_y, train_names), val, meta = load_prepared(args.data[0], args.split[0] if args.split else None)
    size = meta["size"]
    # The whole training set fits on a GPU (90 MB at 128 px): batches are cut and augmented there. No-op on the CPU.
    data_x, data_y = train_x.to(device), train_y.to(device)

    # Early stopping looks at a holdout of the training split, never at validation.
    g = torch.Generator().manual_seed(args.seed)
    if sources is not None:
        hold_idx, fit_idx = multi.holdout_split(sources)
        train_source, val_source = sources.train_source, sources.validation_source
        source_names = sources.names
    else:
        hold_idx, fit_idx = holdout_indices(train_names, g, args.split[0] if args.split else None)
        train_source, val_source, source_names = None, None, []
    if args.select_by == "screening":
        held = train_y[hold_idx]
        if not ((held == NOTUMOR).any() and (held != NOTUMOR).any()):
            raise SystemExit("--select-by screening needs tumors and tumor-free slices in the holdout")
    sample_weights = None
    if args.balance == "cells":
        fit_source = train_source[fit_idx] if train_source is not None else torch.zeros(len(fit_idx), dtype=torch.long)
        sample_weights = cell_weights(train_y[fit_idx], fit_source)

    model = build(args.model).to(device)
    teacher = None
    if args.teacher:
        teacher = build(args.teacher).to(device).eval()
        teacher.load_state_dict(torch.load(os.path.join(args.work, "checkpoints", f"{args.teacher}-{size}", "best.pt"), map_location=device))

    def make_optimizer(m: torch.nn.Module) -> torch.optim.Optimizer:
        return torch.optim.AdamW([q for q in m.parameters() if q.requires_grad], lr=lr, weight_decay=0.05)

    optimizer = make_optimizer(model)
    steps_per_epoch = max(1, len(fit_idx) // batch_size)
    folder = os.path.join(args.work, "checkpoints", args.run or (f"{args.init_from}-continued" if args.init_from else
                          f"{args.model}-{size}" + (f"-from-{args.teacher}" if args.teacher else "")
                          + ("-" + "+".join(source_names) if source_names else "")))
    os.makedirs(folder, exist_ok=True)
    last = os.path.join(folder, "last.pt")
    saved = torch.load(last, map_location=device) if os.path.exists(last) else None
    if args.init_from and saved is None:
        model.load_state_dict(torch.load(os.path.join(args.work, "checkpoints", args.init_from, "best.pt"), map_location=device))
    epochs, reserve = args.epochs, 15.0  # reserve: seconds kept for the final validation pass and the report
    if saved is not None:
        epochs = saved["state"].get("epochs", args.epochs)  # the schedule's length is the first run's
    elif deadline:
        per_step, holdout_seconds = probe_seconds(model, make_optimizer, data_x, data_y, fit_idx, hold_idx, batch_size, args, teacher)
        holdout_seconds *= 2 if args.mirror else 1  # the mirrored reading runs the backbone twice
        if args.init_from:
            reserve += holdout_seconds  # the starting weights' holdout pass (epoch 0)
        epoch_seconds = steps_per_epoch * per_step + holdout_seconds
        reserve += holdout_seconds * len(val[1]) / len(hold_idx)
        fit = int((deadline - time.time() - reserve) / (1.15 * epoch_seconds))  # 15 %: checkpoints, slower epochs
        epochs = max(1, min(args.epochs, fit))
        print(f"probe: {per_step * 1000:.0f} ms per step of {batch_size}, ~{epoch_seconds:.1f} s per epoch: "
              f"{epochs} epochs (at most {args.epochs}) in {args.max_minutes:g} min", flush=True)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=epochs * steps_per_epoch)
    state = {"epoch": 0, "epochs": epochs, "best_holdout": -1.0, "best_epoch": None, "stale": 0, "history": [], "seconds": 0.0,
             "select_by": args.select_by, "mirror": args.mirror}
    if saved is not None:
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        state = saved["state"]
        chosen = (state.get("select_by", "accuracy"), state.get("mirror", False))
        if chosen != (args.select_by, args.mirror):
            raise SystemExit(f"{last} was chosen by --select-by {chosen[0]}{' --mirror' if chosen[1] else ''}: resume it the same way")
        g.set_state(saved["generator"])
        print(f"resumed {args.model} at epoch {state['epoch']}", flush=True)
    reader = MirrorAveraged(model) if args.mirror else model  # shares the model's modules: it trains with it
    return Run(args, device, batch_size, lr, size, meta, data_x, data_y, train_y, val, hold_idx, fit_idx, g, model, reader, teacher,
               optimizer, schedule, steps_per_epoch, epochs, folder, state, deadline, reserve,
               source_names=source_names, train_source=train_source, val_source=val_source, sample_weights=sample_weights)


def train_one_epoch(run: Run) -> float:
    """One pass over the fit part in a fresh order (at most --max-steps steps in all); returns the mean loss."""
    run.model.train()
    if run.args.frozen_norms:
        for module in run.model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.eval()
    if run.sample_weights is not None:
        perm = balanced_order(run.fit_idx, run.sample_weights, run.generator).to(run.device)
    else:
        perm = run.fit_idx[torch.randperm(len(run.fit_idx), generator=run.generator)].to(run.device)
    total = torch.zeros((), dtype=torch.float64, device=run.device)  # summed where it lies: no GPU sync per step
    for b in range(run.steps_per_epoch):
        idx = perm[b * run.batch_size:(b + 1) * run.batch_size]
        total += train_step(run.model, run.optimizer, run.data_x[idx], run.data_y[idx], run.generator, run.args, run.teacher)
        run.schedule.step()
        run.step += 1
        if run.args.max_steps and run.step >= run.args.max_steps:
            break
    return float(total) / max(1, b + 1)


def evaluate_holdout(run: Run) -> dict:
    """The holdout's 4-class accuracy and screening figure (--select-by says which one early stopping goes by), the
    latter at the temperature calibration.py would fit on these logits; weights that give a non-finite logit (a
    diverged run) score -inf on both, so they are never kept."""
    z = predict_logits(run.reader, run.data_x[run.hold_idx.to(run.device)], run.device).double().numpy()
    if not np.isfinite(z).all():
        return {"holdout_accuracy": float("-inf"), "holdout_screening": float("-inf")}
    labels = run.train_y[run.hold_idx].numpy()
    sources = run.train_source[run.hold_idx].numpy() if run.train_source is not None else np.zeros(len(labels), dtype=np.int64)
    p = calibration.softmax(z, calibration.fit_temperature(z, labels))
    return {"holdout_accuracy": float((p.argmax(1) == labels).mean()),
            "holdout_screening": calibration.screening_score(p, calibration.Readings({}, labels, sources))}


def end_epoch(run: Run, loss: float, figures: dict, started: float) -> None:
    """Records the epoch, keeps the best holdout checkpoint and saves everything needed to resume."""
    state = run.state
    state["epoch"] += 1
    state["seconds"] += time.time() - started
    state["history"].append({"epoch": state["epoch"], "loss": loss, **figures})
    holdout = figures[f"holdout_{run.args.select_by}"]
    if holdout > state["best_holdout"]:
        state["best_holdout"], state["best_epoch"], state["stale"] = holdout, state["epoch"], 0
        torch.save(run.model.state_dict(), run.best)
    else:
        state["stale"] += 1
    torch.save({"model": run.model.state_dict(), "optimizer": run.optimizer.state_dict(), "schedule": run.schedule.state_dict(),
                "state": state, "generator": run.generator.get_state()}, run.last)
    run.slowest = max(run.slowest, time.time() - started)
    print(f"epoch {state['epoch']}: loss {loss:.4f}, holdout accuracy {figures['holdout_accuracy']:.4f}, "
          f"screening {figures['holdout_screening']:.4f}, "
          f"{time.time() - started:.0f} s", flush=True)


def should_stop(run: Run) -> bool:
    """--max-steps reached, or the next epoch would overrun --max-minutes."""
    if run.args.max_steps and run.step >= run.args.max_steps:
        return True
    if run.deadline and run.state["epoch"] < run.epochs and time.time() + run.slowest > run.deadline - run.reserve:
        print(f"stopping after epoch {run.state['epoch']} of {run.epochs}: the next would overrun --max-minutes", flush=True)
        return True
    return False


def report(run: Run) -> dict:
    """The best holdout checkpoint, measured once on validation, with everything the model card needs."""
    args, state, device = run.args, run.state, run.device
    val_x, val_y, val_names = run.val
    if not os.path.exists(run.best):
        raise SystemExit(f"no epoch gave finite holdout logits, so {run.best} was never written: nothing to report")
    run.model.load_state_dict(torch.load(run.best, map_location=device))
    val_logits = predict_logits(run.reader, val_x, device)
    per_source = {}
    if run.source_names:
        hold = run.hold_idx
        hold_logits = predict_logits(run.reader, run.data_x[hold.to(device)], device)
        # Saved for calibration.py (temperature on the holdout, threshold on the holdout, validation once).
        torch.save({"source_names": run.source_names,
                    "holdout": {"logits": hold_logits, "labels": run.train_y[hold], "sources": run.train_source[hold]},
                    "validation": {"logits": val_logits, "labels": val_y, "sources": run.val_source, "names": val_names}},
                   os.path.join(run.folder, "logits.pt"))
        per_source = {"balance": args.balance,
                      "sources": {n: {"data": d, "split": s} for n, d, s in zip(run.source_names, args.data, args.split)},
                      "holdout_by_source": by_source(F.softmax(hold_logits, 1), run.train_y[hold], run.train_source[hold], run.source_names),
                      "validation_by_source": by_source(F.softmax(val_logits, 1), val_y, run.val_source, run.source_names)}
    return {
        "model": args.model, "size": run.size, "device": device, "threads": args.threads,
        "gpu": torch.cuda.get_device_name() if device == "cuda" else None,
        "batch_size": run.batch_size, "lr": run.lr, "mixed_precision": "bfloat16" if device == "cuda" else None,
        "epochs": state["epoch"], "planned_epochs": run.epochs, "best_epoch": state.get("best_epoch"), "train_seconds": round(state["seconds"]), "history": state["history"],
        "teacher": args.teacher, "distillation_weight": args.distillation_weight if args.teacher else None,
        "initialised_from": args.init_from, "frozen_norms": args.frozen_norms,
        "selected_by": args.select_by, "mirror": args.mirror,
        "dataset_sha256sums_hash": run.meta.get("dataset_sha256_sums_hash"),
        "pretrained": pretrained_provenance(args.model),
        "preparation_version": run.meta.get("preparation_version"),
        "validation_split": {"images": len(val_y), "fingerprint": split_fingerprint(val_names),
                             **({"grouped_split": args.split[0] if len(args.split) == 1 else args.split} if args.split else {})},
        "normalisation": {"scale": 1 / 255, "mean": [MEAN] * 3, "std": [STD] * 3},
        "validation": evaluate(F.softmax(val_logits, 1), val_y),
        **per_source,
    }


def export_run(run: Run, result: dict) -> None:
    """report.json and validation.txt beside the checkpoint; the ONNX file and its manifest entry if asked for."""
    with open(os.path.join(run.folder, "report.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    with open(os.path.join(run.folder, "validation.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(sorted(run.val[2])) + "\n")  # for the C# evaluation command's --files
    if run.args.onnx:
        export(run.reader.cpu(), run.size, run.args.onnx)
        if run.args.manifest:
            manifest.upsert(run.args.manifest, manifest.entry(run.args.model, run.args.onnx, run.size, [MEAN] * 3, [STD] * 3, result))


def measure_start(run: Run) -> None:
    """A second cycle's starting weights are its first candidate: a cycle that only makes them worse on the holdout
    keeps them (recorded as epoch 0)."""
    figures = evaluate_holdout(run)
    run.state["history"].append({"epoch": 0, **figures})
    run.state["best_holdout"], run.state["best_epoch"] = figures[f"holdout_{run.args.select_by}"], 0
    torch.save(run.model.state_dict(), run.best)
    print(f"start: holdout accuracy {figures['holdout_accuracy']:.4f}, screening {figures['holdout_screening']:.4f}", flush=True)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    run = build_run(parse_args(argv))
    if run.args.init_from and not run.state["history"]:
        measure_start(run)
    while run.state["epoch"] < run.epochs and run.state["stale"] < run.args.patience:
        started = time.time()
        loss = train_one_epoch(run)
        end_epoch(run, loss, evaluate_holdout(run), started)
        if should_stop(run):
            break
    result = report(run)
    export_run(run, result)
    print(json.dumps(result["validation"], indent=2), flush=True)
    return result


if __name__ == "__main__":
    main()
