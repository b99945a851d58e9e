"""The PyTorch port of the package's ImageNet ResNet18 equals ONNX Runtime on the pinned formula input
(pretrained/resnet18-reference.json, written by tests/MedCrypt.Inference.Tests from ONNX Runtime's output)."""
import json
import math
import os
import unittest

import torch

from medcrypt_training import pretrained

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "pretrained", "resnet18-reference.json")


@unittest.skipUnless(os.path.exists(pretrained.RESNET18_ONNX),
                     "the package is not restored: dotnet restore models/training/pretrained/ResNet18Restore.csproj")
class PretrainedResNet18Test(unittest.TestCase):
    def test_port_reproduces_onnx_runtime_within_1e_5(self):
        with open(REFERENCE, encoding="utf-8") as f:
            reference = json.load(f)
        self.assertEqual(reference["onnxSha256"], pretrained.sha256(pretrained.RESNET18_ONNX))
        x = torch.tensor([[[60 * math.sin(0.05 * (h + 1) * (c + 1)) + 40 * math.cos(0.03 * (w + 2) * (c + 1))
                            for w in range(224)] for h in range(224)] for c in range(3)], dtype=torch.float32)[None]
        with torch.no_grad():
            features = pretrained.OnnxResNet18().eval()(x)[0]
        expected = torch.tensor(reference["features"])
        self.assertLessEqual(float((features - expected).abs().max()), 1e-5 * max(1.0, float(expected.abs().max())))

    def test_classifier_takes_any_prepared_size(self):
        model = pretrained.ImageNetResNet18().eval()
        with torch.no_grad():
            self.assertEqual(tuple(model(torch.zeros(2, 3, 128, 128)).shape), (2, 4))

    def test_reading_at_224_is_the_same_weights_on_the_slice_resized_in_the_graph(self):
        torch.manual_seed(0)
        at_prepared, at_224 = pretrained.ImageNetResNet18().eval(), pretrained.ImageNetResNet18(reads_at=224).eval()
        at_224.load_state_dict(at_prepared.state_dict())  # strict: no weight depends on the size it reads at
        x = torch.rand(2, 3, 128, 128) * 2 - 1
        resized = torch.nn.functional.interpolate(x, size=(224, 224), mode="bilinear", align_corners=False)
        with torch.no_grad():
            self.assertLess(float((at_224(x) - at_prepared(resized)).abs().max()), 1e-5)
            self.assertGreater(float((at_224(x) - at_prepared(x)).abs().max()), 1e-3)  # it did resize


if __name__ == "__main__":
    unittest.main()
