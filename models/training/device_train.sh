#!/usr/bin/env bash
# Trains Xception from scratch on the lent GPU in one device call (the run tool; from the repository root), from the
# training set packed into .devicecarry/ (medcrypt_training/pack.py; carried as ".devicecarry"). Installs nothing and
# needs no network: the machine's python3 holds torch, torchvision, numpy and onnx. Leaves under $OUT what may come
# back (8 files of at most 16 MiB): best.pt as float16 chunks + weights.json, report.json and train.log. Back here:
# medcrypt_training.device_weights join, then medcrypt_training.publish.
# The whole call must end within about 8 minutes: train.py's --max-minutes (MINUTES) sizes the epoch count, at most
# EPOCHS, from a timing probe so that the one-cycle schedule completes.
set -euo pipefail
: "${OUT:?set by the device call: the folder whose files come back}"
DATA=$(realpath "${DATA:-.devicecarry/prepared-128.npz}")
PYTHON=${PYTHON:-python3}
MINUTES=${MINUTES:-7}
EPOCHS=${EPOCHS:-120}
# Checkpoints (240 MB with the optimiser's state) are saved every epoch: in memory where /dev/shm is large enough.
SHM_GB=$(df --output=avail -BG /dev/shm 2>/dev/null | tail -1 | tr -dc 0-9 || true)
if [ "${SHM_GB:-0}" -ge 4 ]; then WORK=$(mktemp -d /dev/shm/medcrypt.XXXXXX); else WORK=$(mktemp -d); fi
trap 'rm -rf "$WORK"' EXIT
export PYTHONUNBUFFERED=1
mkdir -p "$OUT"
cd "$(dirname "$0")"

{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
  "$PYTHON" -c 'import os, lzma, numpy, torch, torchvision, onnx  # lzma reads the packed set
print("torch", torch.__version__, "torchvision", torchvision.__version__, "numpy", numpy.__version__, "cuda", torch.cuda.is_available())
assert torch.cuda.is_available() or os.environ.get("ALLOW_CPU"), "no GPU: not training Xception on the CPU here"'
  # Extra arguments go last, so they override (a CPU smoke test passes --max-steps, --threads).
  "$PYTHON" -m medcrypt_training.train --model xception --data "$DATA" --work "$WORK" --threads 16 \
    --batch-size 64 --lr 1.4e-3 --epochs "$EPOCHS" --patience 20 --max-minutes "$MINUTES" "$@"
  "$PYTHON" -m medcrypt_training.device_weights split --checkpoint "$(echo "$WORK"/checkpoints/xception-*)" --out "$OUT"
} 2>&1 | tee "$OUT/train.log"
ls -l "$OUT"
