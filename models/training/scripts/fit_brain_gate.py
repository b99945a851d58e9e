#!/usr/bin/python3
"""Fits BrainSliceGate's thresholds (Domain/Imaging/BrainSliceGate.cs) on the 'fit' rows of
models/training/.work/brain-gate/features.csv (written by the Domain test BrainSliceGateTests, real-data case):
the brain 'train' split and the non-brain images whose file name's CRC-32 is even. Each threshold sits at the
fitted brain slices' 0.05 % (or 99.95 %) quantile, 10 % further out, so that every rule alone stops at most ~0.05 % of
fitted brain slices; the stop rate it buys on fitted non-brain images is printed. It prints the 'report' rows too,
as a check (never used to choose): the figures quoted in the model card are the C# test's. Writes models/brain-gate.json.
Usage: nice /usr/bin/python3 models/training/scripts/fit_brain_gate.py"""
import csv, json, os, numpy as np
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..')
rows = list(csv.DictReader(open(os.path.join(root, 'models/training/.work/brain-gate/features.csv'))))
F = ['saturation', 'contrast', 'head_share', 'solidity', 'border_share', 'dark_share', 'bright_share', 'smoothness']
def arr(group, brain):
    sel = [r for r in rows if r['group'] == group and r['kind'].startswith('brain/') == brain]
    return np.array([[float(r[f]) for f in F] for r in sel]), sel
bf, _ = arr('fit', True); nf, _ = arr('fit', False)
Q, MARGIN = 0.0005, 0.1  # quantile of fitted brain slices each rule may stop, and a 10 % margin beyond it
# In BrainSliceGate.Judge's order; 'max': brain slices lie below the threshold, 'min': above it.
rules = {'saturation': 'max', 'contrast': 'min', 'smoothness': 'min', 'bright_share': 'max', 'head_share_min': 'min', 'head_share': 'max', 'solidity': 'min'}  # border_share and dark_share lost: tight crops put 0.05 % of brain slices at 1.0 and 0.0
gate = {}
for name, side in rules.items():
    c = bf[:, F.index(name.replace('_min', ''))]; med = np.median(c)
    q = np.quantile(c, 1 - Q if side == 'max' else Q)
    t = q * (1 + MARGIN) if side == 'max' else q * (1 - MARGIN)
    gate[name] = {'side': side, 'threshold': round(float(t), 4)}
def judge(x):
    for name, g in gate.items():
        v = x[F.index(name.replace('_min', ''))]
        if (g['side'] == 'max' and v > g['threshold']) or (g['side'] == 'min' and v < g['threshold']): return name
    return None
for group in ['fit', 'report']:
    for brain in [True, False]:
        X, sel = arr(group, brain)
        kinds = sorted(set(r['kind'] for r in sel))
        for k in kinds:
            idx = [i for i, r in enumerate(sel) if r['kind'] == k]
            passed = sum(judge(X[i]) is None for i in idx)
            print(f'{group:6s} {k:32s} {passed:5d}/{len(idx):5d} pass ({100*passed/len(idx):6.2f} %)')
    print()
for group in ['fit', 'report']:
    X, sel = arr(group, False)
    passed = [(r['kind'], r['path'].split('/')[-1]) for i, r in enumerate(sel) if judge(X[i]) is None]
    print(group, 'non-brain that pass:', passed)
    X, sel = arr(group, True)
    print(group, 'brain stopped by:', {k: sum(1 for i in range(len(sel)) if judge(X[i]) == k) for k in gate})
for name, g in gate.items():
    c = nf[:, F.index(name.replace('_min', ''))]
    stop = np.mean(c > g['threshold']) if g['side'] == 'max' else np.mean(c < g['threshold'])
    print(f"{name:14s} {g['side']} {g['threshold']:8.4f}  alone stops {100*stop:5.1f} % of fitted non-brain")
json.dump({'fitted_on': 'brain: train split of brain-tumor-mri and lgg-flair; non-brain: files with an even CRC-32 of their name',
           'quantile': Q, 'margin': MARGIN, 'rules': gate}, open(os.path.join(root, 'models/brain-gate.json'), 'w'), indent=2)
