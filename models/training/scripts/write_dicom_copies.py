"""Writes the images of a split list as single-frame MR DICOM files, each with the window a hospital might have saved,
so the C# evaluation command reads them through the portal's own DICOM path (decode, Gray8, preparation). The pixels
are the 8-bit image times 16 (12 bits stored, as an MR scanner stores them); only the window tags differ between
copies of one image. Written outside the project (data never goes into it):
  cd models/training && /usr/bin/python3 scripts/write_dicom_copies.py --data ../../../shared/datasets/lgg-flair \
      --files .work/splits/lgg-flair/validation.txt --window head-95 --out /tmp/lgg-dicom-head-95
  dotnet run --project ../evaluation -- --data /tmp/lgg-dicom-head-95 \
      --files .work/splits/lgg-flair/validation.txt --manifest ../models.json
--window none: no window tags; full: the whole stored range; head-<q>: from 0 to the q-th percentile of the slice's
non-zero pixels (the head), so the brightest (100 - q) % of the head is clipped white, as a narrow saved window does."""
import argparse
import os

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

SCALE = 16  # 8-bit values to 12 bits stored


def window(values: np.ndarray, rule: str) -> tuple[float, float] | None:
    """Centre and width (DICOM PS3.3 C.11.2.1.2) for the rule, or None for no window tags."""
    if rule == "none":
        return None
    if rule == "full":
        low, high = 0.0, 4095.0
    elif rule.startswith("head-"):
        head = values[values > 0]
        low, high = 0.0, float(np.percentile(head, float(rule[5:]))) if head.size else 4095.0
    else:
        raise SystemExit(f"unknown --window {rule}: none, full or head-<percentile>")
    width = max(high - low, 1.0)
    return low + width / 2, width


def write(png: str, target: str, rule: str) -> None:
    values = np.asarray(Image.open(png).convert("L"), dtype=np.uint16) * SCALE
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MRImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(target, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = MRImageStorage, meta.MediaStorageSOPInstanceUID
    ds.Modality = "MR"
    ds.Rows, ds.Columns = values.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    chosen = window(values, rule)
    if chosen is not None:
        ds.WindowCenter, ds.WindowWidth = f"{chosen[0]:.1f}", f"{chosen[1]:.1f}"
    ds.PixelData = values.astype("<u2").tobytes()
    pydicom.dcmwrite(target, ds, write_like_original=False)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="folder per class, as the evaluation command reads it")
    p.add_argument("--files", required=True, help="a split list: class/file per line")
    p.add_argument("--window", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    with open(a.files) as f:
        listed = [line.strip() for line in f if line.strip()]
    for relative in listed:
        target = os.path.join(a.out, os.path.splitext(relative)[0] + ".dcm")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write(os.path.join(a.data, relative), target, a.window)
    print(f"{len(listed)} files, window {a.window}, in {a.out}")


if __name__ == "__main__":
    main()
