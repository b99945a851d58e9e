"""The training pipeline end to end on a handful of generated slices, one step per architecture, and the
block-adaptation stem's promise: given a key's inverse block map it reads encrypted pixels as plain ones.
Run from models/training:  /usr/bin/python3 -m unittest discover -s tests -v"""
import json
import os
import tempfile
import unittest

import onnx
import torch
from torchvision.io import write_png

from medcrypt_training import train
from medcrypt_training.data import CLASSES, stratified_split
from medcrypt_training.models import ADAPTATION_BIAS, ADAPTATION_WEIGHT, BLOCK_SIZE, build, depth_to_space, space_to_depth

SIZE = 32


def write_tiny_prepared_set(folder, per_class=6):
    g = torch.Generator().manual_seed(0)
    yy, xx = torch.meshgrid(torch.arange(SIZE), torch.arange(SIZE), indexing="ij")
    for k, label in enumerate(CLASSES):
        os.makedirs(os.path.join(folder, label))
        for i in range(per_class):
            head = (((yy - 16) ** 2 + (xx - 16) ** 2) < 14 ** 2).float() * (60 + 40 * k)
            noisy = (head + torch.randn(SIZE, SIZE, generator=g) * 10).clamp(0, 255).to(torch.uint8)
            write_png(noisy.unsqueeze(0), os.path.join(folder, label, f"{label}_{i}.png"))
    with open(os.path.join(folder, "dataset.json"), "w", encoding="utf-8") as f:
        json.dump({"images": per_class * 4, "size": SIZE, "preparation_version": 1,
                   "dataset_sha256_sums_hash": None, "classes": CLASSES}, f)


def random_block_map(seed, n=BLOCK_SIZE * BLOCK_SIZE * 3):
    """A block map in normalised pixel space ([-1, 1]): a permutation with sign flips (v ↦ 255 − v is x ↦ −x there)."""
    g = torch.Generator().manual_seed(seed)
    source = torch.randperm(n, generator=g)
    sign = torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0)
    forward = torch.zeros(n, n)
    forward[torch.arange(n), source] = sign
    return forward


class PipelineTest(unittest.TestCase):
    def test_split_is_stratified_disjoint_and_fixed(self):
        files = {c: [f"{c}/{i}.png" for i in range(100)] for c in CLASSES}
        train_a, val_a = stratified_split(files)
        train_b, val_b = stratified_split(files)
        self.assertEqual((train_a, val_a), (train_b, val_b))
        self.assertFalse({f for f, _ in train_a} & {f for f, _ in val_a})
        for c in CLASSES:
            self.assertEqual(sum(1 for _, label in val_a if label == c), 15)

    def test_one_step_of_each_architecture_trains_and_exports_onnx_with_adaptation_inputs(self):
        with tempfile.TemporaryDirectory() as work:
            data = os.path.join(work, "prepared")
            write_tiny_prepared_set(data)
            for name in ["densenet121", "xception"]:
                path = os.path.join(work, f"{name}.onnx")
                report = train.main(["--model", name, "--data", data, "--work", work, "--epochs", "1",
                                     "--batch-size", "4", "--max-steps", "1", "--threads", "2", "--onnx", path])
                self.assertEqual(report["epochs"], 1)
                graph = onnx.load(path).graph
                inputs = {i.name for i in graph.input}
                self.assertTrue({"pixels", ADAPTATION_WEIGHT, ADAPTATION_BIAS} <= inputs, inputs)
                self.assertEqual([o.name for o in graph.output], ["logits"])
                self.assertIn(ADAPTATION_WEIGHT, {i.name for i in graph.initializer})

    def test_a_student_trains_against_a_teachers_soft_targets(self):
        with tempfile.TemporaryDirectory() as work:
            data = os.path.join(work, "prepared")
            write_tiny_prepared_set(data)
            common = ["--data", data, "--work", work, "--epochs", "1", "--batch-size", "4", "--max-steps", "1", "--threads", "2"]
            train.main(["--model", "densenet121", *common])  # the teacher: any trained checkpoint
            report = train.main(["--model", "densenet121", "--teacher", "densenet121", *common])
            self.assertEqual(report["teacher"], "densenet121")
            self.assertTrue(os.path.exists(os.path.join(work, "checkpoints", f"densenet121-{SIZE}-from-densenet121", "best.pt")))

    def test_the_inverse_block_map_in_the_stem_reads_encrypted_pixels_exactly(self):
        torch.manual_seed(0)
        model = build("densenet121").eval()
        plain = torch.rand(2, 3, SIZE, SIZE) * 2 - 1
        forward = random_block_map(seed=3)
        encrypted = depth_to_space(torch.einsum("ji,nihw->njhw", forward, space_to_depth(plain, BLOCK_SIZE)), BLOCK_SIZE)
        with torch.no_grad():
            expected = model(plain)
            self.assertGreater(float((model(encrypted) - expected).abs().max()), 1e-3)  # unadapted: a different image
            model.adaptation.weight.copy_(forward.t().reshape(*model.adaptation.weight.shape))  # inverse of a signed permutation
            self.assertLessEqual(float((model(encrypted) - expected).abs().max()), 1e-4)

    def test_space_to_depth_is_onnx_order(self):
        x = torch.arange(2 * 4 * 4, dtype=torch.float32).reshape(1, 2, 4, 4)
        y = space_to_depth(x, 2)
        # channel (dy·M + dx)·C + c holds x[c, by·M + dy, bx·M + dx]
        self.assertEqual(float(y[0, (1 * 2 + 0) * 2 + 1, 1, 0]), float(x[0, 1, 3, 0]))
        self.assertTrue(torch.equal(depth_to_space(y, 2), x))


if __name__ == "__main__":
    unittest.main()
