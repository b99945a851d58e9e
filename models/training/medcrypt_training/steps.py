"""The model's side of one training run: input normalisation, prediction, one optimisation step (with optional
distillation from a teacher) and the timing probe that sizes a run to --max-minutes. train.py drives them."""
import argparse
import contextlib
import copy
import time
from typing import Callable, ContextManager, Optional, Tuple

import torch
import torch.nn.functional as F

from . import augment as aug
from .data import CLASSES

MEAN, STD = 0.5, 0.5  # pixel/255 → (x − 0.5) / 0.5, gray replicated to 3 channels; written to the manifest


def to_input(x01: torch.Tensor) -> torch.Tensor:
    return ((x01 - MEAN) / STD).expand(-1, 3, -1, -1)


@torch.no_grad()
def predict_logits(model: torch.nn.Module, images: torch.Tensor, device: str, batch_size: int = 128) -> torch.Tensor:
    """Raw logits (what temperature scaling is fitted on)."""
    model.eval()
    out = []
    for i in range(0, len(images), batch_size):
        x = images[i:i + batch_size].float().div(255).to(device)
        out.append(model(to_input(x)).float().cpu())
    return torch.cat(out) if out else torch.zeros(0, len(CLASSES))


def predict(model: torch.nn.Module, images: torch.Tensor, device: str, batch_size: int = 128) -> torch.Tensor:
    return F.softmax(predict_logits(model, images, device, batch_size), 1)


def mixed_precision(device: str) -> ContextManager:
    """bfloat16 autocast on a GPU (no loss scaling needed); the CPU computes in float32 as before."""
    return torch.autocast("cuda", dtype=torch.bfloat16) if device == "cuda" else contextlib.nullcontext()


def train_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer, batch: torch.Tensor, labels: torch.Tensor,
               generator: torch.Generator, args: argparse.Namespace, teacher: Optional[torch.nn.Module] = None) -> torch.Tensor:
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


def probe_seconds(model: torch.nn.Module, make_optimizer: Callable[[torch.nn.Module], torch.optim.Optimizer], x: torch.Tensor,
                  y: torch.Tensor, fit_idx: torch.Tensor, hold_idx: torch.Tensor, batch_size: int, args: argparse.Namespace,
                  teacher: Optional[torch.nn.Module] = None, warmup: int = 3, steps: int = 10) -> Tuple[float, float]:
    """Seconds per training step and per holdout pass, timed on a throwaway copy of the model with its own generator
    (the run's random streams are untouched) after warm-up steps (cuDNN's autotuning, allocations)."""
    device = x.device.type
    probe = copy.deepcopy(model)
    optimizer, g = make_optimizer(probe), torch.Generator().manual_seed(0)

    def run(n: int) -> None:
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
