"""How many screening verdicts change when the same slices come brighter, darker or as DICOM: the images of a split
list are written as copies (PNG scaled linearly, min(round(value × gain), 255); and the PNG's values × 16 as MR DICOM
without a window, as write_dicom_copies.py writes them), each set is read by the C# evaluation command through the
portal's own path, and its verdicts at the manifest's operating point are compared with the unchanged PNGs'. The
copies are decoded by PIL and the originals by the portal, so the sources must be 8-bit gray PNGs (lgg-flair's), where
the two agree; a ×1.0 copy is always made and read as the control, and the run stops if it changes any probability. Copies go to a temporary folder outside the project and are deleted. Needs a built solution (dotnet build).
  cd models/training && /usr/bin/python3 scripts/measure_brightness.py --data ../../../shared/datasets/lgg-flair \
      --files .work/splits/lgg-flair/validation.txt --manifest ../models.json --dicom"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # the package beside scripts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from medcrypt_training.calibration import read, softmax, tumor_probability  # noqa: E402
import write_dicom_copies  # noqa: E402

EVALUATION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "evaluation")


def scaled(values: np.ndarray, gain: float) -> np.ndarray:
    return np.minimum(np.round(values.astype(np.float64) * gain), 255).astype(np.uint8)


def flips(reference: np.ndarray, other: np.ndarray, threshold: float) -> dict:
    """Verdicts at the threshold that differ, and the largest change in P(tumor), between two readings of the same slices."""
    changed = (reference >= threshold) != (other >= threshold)
    return {"flipped": int(changed.sum()), "of": int(len(reference)), "largest_change": round(float(np.abs(reference - other).max()), 4)}


def p_tumor(logits_csv: str, model: str, temperature: float) -> dict:
    readings = read([("copy", logits_csv)])
    p = tumor_probability(softmax(readings.logits[model], temperature))
    return {os.path.splitext(f)[0]: float(v) for f, v in zip(readings.files, p)}


def evaluate(data: str, files: str, manifest: str, model: str, out: str) -> None:
    subprocess.run(["dotnet", "run", "--no-build", "--project", EVALUATION, "--", "--data", data, "--files", files,
                    "--manifest", manifest, "--models", model, "--logits", out], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="folder per class, as the evaluation command reads it")
    p.add_argument("--files", required=True, help="a split list: class/file per line")
    p.add_argument("--manifest", required=True)
    p.add_argument("--model", default="resnet18")
    p.add_argument("--gains", default="0.8,1.2", help="besides ×1.0, the control, which is always run")
    p.add_argument("--dicom", action="store_true", help="also the PNG's values × 16 as MR DICOM without a window")
    a = p.parse_args()
    with open(a.manifest, encoding="utf-8") as f:
        entry = next(m for m in json.load(f)["models"] if m["name"] == a.model)
    with open(a.files, encoding="utf-8") as f:
        listed = [line.strip() for line in f if line.strip()]
    for relative in listed:
        with Image.open(os.path.join(a.data, relative)) as image:
            if image.format != "PNG" or image.mode != "L":
                raise SystemExit(f"{relative} is {image.format} {image.mode}: the copies need 8-bit gray PNG sources")
    work = tempfile.mkdtemp(prefix="medcrypt-brightness-")
    try:
        evaluate(a.data, a.files, a.manifest, a.model, os.path.join(work, "reference.csv"))
        reference = p_tumor(os.path.join(work, "reference.csv"), a.model, entry["temperature"])
        copies = {"x1.0": 1.0, **{f"x{g}": float(g) for g in a.gains.split(",") if g and float(g) != 1.0}}
        if a.dicom:
            copies["dicom"] = None
        results = {}
        for name, gain in copies.items():
            folder = os.path.join(work, name)
            for relative in listed:
                source = os.path.join(a.data, relative)
                stem = os.path.splitext(relative)[0]
                os.makedirs(os.path.join(folder, os.path.dirname(relative)), exist_ok=True)
                if gain is None:
                    write_dicom_copies.write(source, os.path.join(folder, stem + ".dcm"), "none")
                else:
                    with Image.open(source) as image:
                        values = np.asarray(image)
                    Image.fromarray(scaled(values, gain)).save(os.path.join(folder, stem + ".png"))
            evaluate(folder, a.files, a.manifest, a.model, os.path.join(work, f"{name}.csv"))
            other = p_tumor(os.path.join(work, f"{name}.csv"), a.model, entry["temperature"])
            keys = sorted(reference)
            before, after = np.array([reference[k] for k in keys]), np.array([other[k] for k in keys])
            results[name] = flips(before, after, entry["tumorThreshold"])
            print(name, results[name], flush=True)
            if gain == 1.0 and not np.array_equal(before, after):
                raise SystemExit("the ×1.0 control changed a probability: the copies are not read as the originals are")
        print(json.dumps({"model": a.model, "threshold": entry["tumorThreshold"], "copies": results}, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
