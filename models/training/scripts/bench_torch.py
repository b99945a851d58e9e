"""PyTorch's side of the inference benchmark: the same architecture and weights as an ONNX model, on the same
inputs, with the same thread count. Prints one JSON object. Called by tests/MedCrypt.Inference.Benchmarks.
  cd models/training && /usr/bin/python3 scripts/bench_torch.py --model densenet121 --weights w.pt --size 128 --threads 2"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # the package beside scripts/
from medcrypt_training.models import build  # noqa: E402


def timed(model: torch.nn.Module, x: torch.Tensor, repeats: int) -> list:
    times = []
    with torch.inference_mode():
        for _ in range(repeats):
            started = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--weights", required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--latency-runs", type=int, default=40)
    p.add_argument("--seconds", type=float, default=6)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model = build(args.model)
    model.load_state_dict(torch.load(args.weights, map_location="cpu"))
    model.eval()
    g = torch.Generator().manual_seed(0)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "throughput": {}}
    x1 = torch.rand(1, 3, args.size, args.size, generator=g) * 2 - 1
    timed(model, x1, 5)
    latencies = sorted(timed(model, x1, args.latency_runs))
    result["p50_ms"] = latencies[len(latencies) // 2] * 1000
    result["p95_ms"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000
    for batch in (1, 8, 32):
        x = torch.rand(batch, 3, args.size, args.size, generator=g) * 2 - 1
        timed(model, x, 1)
        images, started = 0, time.perf_counter()
        while time.perf_counter() - started < args.seconds / 3:
            timed(model, x, 1)
            images += batch
        result["throughput"][str(batch)] = images / (time.perf_counter() - started)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
