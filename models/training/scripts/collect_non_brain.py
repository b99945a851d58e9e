#!/usr/bin/python3
# Usage: nice /usr/bin/python3 models/training/scripts/collect_non_brain.py [OUT]  (needs python3-pydicom; OUT defaults to models/training/.work/non-brain, git-ignored)
# Builds the non-brain measurement set under OUT/<kind>/ as PNG, from images found on this machine and made here (never copied into the repo).
import os, sys, glob, hashlib, numpy as np
from PIL import Image, ImageDraw, ImageFont
import pydicom
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".work", "non-brain")
def save(kind, name, img):
    d = os.path.join(out, kind); os.makedirs(d, exist_ok=True)
    img.save(os.path.join(d, name + ".png"))
def dicom_to_png(path):
    ds = pydicom.dcmread(path, force=True)
    a = ds.pixel_array
    if getattr(ds, 'NumberOfFrames', 1) and int(getattr(ds, 'NumberOfFrames', 1) or 1) > 1: a = a[len(a)//2]
    a = a.astype(np.float64)
    if a.ndim == 3 and a.shape[-1] == 3:
        lo, hi = a.min(), a.max(); a = (a - lo) / max(hi - lo, 1) * 255; return Image.fromarray(a.astype(np.uint8), 'RGB'), ds
    if a.ndim != 2: raise ValueError("shape %s" % (a.shape,))
    lo, hi = np.percentile(a, 0.5), np.percentile(a, 99.5)
    a = np.clip((a - lo) / max(hi - lo, 1e-9), 0, 1) * 255
    if getattr(ds, 'PhotometricInterpretation', '') == 'MONOCHROME1': a = 255 - a
    return Image.fromarray(a.astype(np.uint8), 'L'), ds
# DICOM: pydicom's test files (CT, liver, RT dose, secondary captures...), gdcm's example, the shoulder MR.
dicoms = sorted(glob.glob('/usr/lib/python3/dist-packages/pydicom/data/test_files/*.dcm')) + ['/usr/share/doc/libgdcm3.0/examples/00191113.dcm', os.path.join(os.environ.get('MEDCRYPT_DATASETS', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', 'shared', 'datasets')), 'dicom-samples', 'edge', 'pydicom-data', 'MR2_J2KI.dcm')]
for p in dicoms:
    base = os.path.basename(p)
    if base.startswith('MR_') or base.startswith('emri'): continue  # MR_small is a NEMA head MR: not a non-brain example
    try:
        img, ds = dicom_to_png(p)
    except Exception as e:
        print("skip", p, type(e).__name__, str(e)[:60]); continue
    if min(img.size) < 16: print("skip small", p); continue
    mod = str(getattr(ds, 'Modality', 'OT'))
    save('dicom-' + mod.lower(), base[:-4], img); print("dicom", mod, base, img.size)
# Real pictures shipped by Debian packages and toolchains: documentation figures, screenshots, pixmaps, icons.
# Only system and home folders are searched, and never the workspace that holds this repository and ../shared:
# a clone elsewhere than /work would otherwise count the brain datasets themselves as "non-brain pictures".
import subprocess
here = os.path.dirname(os.path.abspath(__file__))
workspace = os.path.realpath(os.path.join(here, '..', '..', '..', '..'))
excluded = [workspace, os.path.realpath(os.environ.get('MEDCRYPT_DATASETS', workspace)), '/tmp', '/proc', '/farm']
roots = sorted({r for r in ['/usr', '/opt', os.path.expanduser('~')] if os.path.isdir(r)})
lst = subprocess.run(['find', *roots, '-xdev', '(', '-iname', '*.jpg', '-o', '-iname', '*.png', '-o', '-iname', '*.jpeg', ')'], capture_output=True, text=True).stdout.split()
lst = [p for p in lst if not any(os.path.realpath(p) == e or os.path.realpath(p).startswith(e + os.sep) for e in excluded)]
lst.sort()
seen = set()
for p in lst:
    if p.startswith('/farm/') or p.lower().endswith('.dcm'): continue
    if '/usr/share/icons/' in p and '/96x96/' not in p and '/256x256/' not in p: continue
    try:
        data = open(p, 'rb').read()
        h = hashlib.sha1(data).hexdigest()
        if h in seen: continue
        seen.add(h)
        im = Image.open(p); im.load()
    except Exception: continue
    if min(im.size) < 16: continue
    # Alpha composited on white, as a browser shows it.
    if im.mode in ('RGBA', 'LA', 'P', 'PA'):
        im = im.convert('RGBA'); bg = Image.new('RGBA', im.size, (255, 255, 255, 255)); bg.alpha_composite(im); im = bg.convert('RGB')
    elif im.mode not in ('L', 'RGB'): im = im.convert('RGB')
    kind = 'icon' if '/icons/' in p or '/pixmaps/' in p or 'Icons' in p else 'picture'
    save(kind, h[:16], im)
# Synthetic: blank, near-blank, noise, text pages, photo-like colour scenes, gradients.
rng = np.random.default_rng(20261202)
for i, v in enumerate([0, 1, 5, 30, 128, 200, 255]):
    save('synthetic-blank', f'blank{i}', Image.fromarray(np.full((256, 256), v, np.uint8)))
for i in range(20):
    base = rng.integers(0, 256); sd = rng.uniform(0.5, 6)
    a = np.clip(rng.normal(base, sd, (256, 256)), 0, 255).astype(np.uint8)
    save('synthetic-near-blank', f'nb{i}', Image.fromarray(a))
for i in range(10):
    a = rng.integers(0, 256, (256, 256), dtype=np.uint8)
    save('synthetic-noise', f'noise{i}', Image.fromarray(a))
words = "the patient was referred for magnetic resonance imaging of the brain report findings impression no acute".split()
fonts = glob.glob('/usr/share/fonts/truetype/**/*.ttf', recursive=True)
for i in range(20):
    W, H = [(850, 1100), (600, 800), (512, 512), (1024, 768)][i % 4]
    dark = i % 5 == 4
    im = Image.new('L', (W, H), 20 if dark else 250); d = ImageDraw.Draw(im)
    try: font = ImageFont.truetype(fonts[i % len(fonts)], 14 + i % 10) if fonts else ImageFont.load_default()
    except Exception: font = ImageFont.load_default()
    y = 30
    while y < H - 30:
        d.text((40, y), " ".join(rng.choice(words, 12)), fill=230 if dark else 10, font=font); y += 22 + i % 8
    save('synthetic-text', f'text{i}', im)
for i in range(20):
    a = np.zeros((240, 320, 3)); yy, xx = np.mgrid[0:240, 0:320]
    for c in range(3): a[..., c] = rng.uniform(40, 200) + rng.uniform(-60, 60) * np.sin(xx / rng.uniform(20, 80) + rng.uniform(0, 6)) * np.cos(yy / rng.uniform(20, 80))
    for _ in range(6):
        cx, cy, r = rng.uniform(0, 320), rng.uniform(0, 240), rng.uniform(15, 70)
        a[(xx - cx) ** 2 + (yy - cy) ** 2 < r * r] = rng.uniform(0, 255, 3)
    save('synthetic-photo', f'photo{i}', Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), 'RGB'))
for i in range(6):
    yy, xx = np.mgrid[0:256, 0:256]
    a = (xx * np.cos(i) + yy * np.sin(i)); a = (a - a.min()) / (a.max() - a.min()) * 255
    save('synthetic-gradient', f'grad{i}', Image.fromarray(a.astype(np.uint8)))
