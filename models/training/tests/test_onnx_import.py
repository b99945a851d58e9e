"""The exported resnet18 read back as a PyTorch module gives the logits of the module it was exported from: every
folded batch norm lands on its own convolution (a wrong order or a missed bias changes the logits)."""
import os
import tempfile
import unittest

import torch

from medcrypt_training import pretrained
from medcrypt_training.models import build
from medcrypt_training.onnx_export import export
from medcrypt_training.onnx_import import load_resnet18


@unittest.skipUnless(os.path.exists(pretrained.RESNET18_ONNX),
                     "the package is not restored: dotnet restore models/training/pretrained/ResNet18Restore.csproj")
class OnnxImportTest(unittest.TestCase):
    def test_an_export_read_back_gives_the_same_logits(self):
        torch.manual_seed(3)
        model = build("resnet18").eval()
        with torch.no_grad():  # batch norms that are not the identity, so that folding them matters
            for module in model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.running_mean.uniform_(-0.2, 0.2)
                    module.running_var.uniform_(0.5, 1.5)
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.2, 0.2)
        x = torch.rand(2, 3, 64, 64) * 2 - 1
        with tempfile.TemporaryDirectory() as folder:
            path = export(model, 64, os.path.join(folder, "resnet18.onnx"))
            imported = load_resnet18(path)
        with torch.no_grad():
            expected, actual = model(x), imported(x)
        self.assertLess(float((expected - actual).abs().max()), 1e-4)
        with torch.no_grad():  # and the check can fail: one convolution's weights off
            first = next(m for m in imported.modules() if isinstance(m, torch.nn.Conv2d) and m.weight.shape[1] == 3)
            first.weight.mul_(1.01)
            self.assertGreater(float((expected - imported(x)).abs().max()), 1e-4)


if __name__ == "__main__":
    unittest.main()
