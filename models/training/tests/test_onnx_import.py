"""An exported model read back as a PyTorch module gives the logits of the module it was exported from: every
folded batch norm lands on its own convolution and every kept one gets its own statistics (a wrong order or a missed
bias changes the logits)."""
import os
import tempfile
import unittest

import torch

from medcrypt_training import pretrained
from medcrypt_training.models import build
from medcrypt_training.onnx_export import export
from medcrypt_training.onnx_import import load_exported, load_resnet18


def with_statistics(model: torch.nn.Module) -> torch.nn.Module:
    """Batch norms that are not the identity, so that folding them (or not) matters."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    return model.eval()


class OnnxImportArchitecturesTest(unittest.TestCase):
    def test_densenet_and_xception_exports_read_back_give_the_same_logits(self):
        for name in ("xception", "densenet121"):  # densenet keeps 62 of its norms, xception folds all
            with self.subTest(name):
                torch.manual_seed(5)
                model = with_statistics(build(name))
                x = torch.rand(2, 3, 64, 64) * 2 - 1
                with tempfile.TemporaryDirectory() as folder:
                    imported = load_exported(name, export(model, 64, os.path.join(folder, f"{name}.onnx")))
                with torch.no_grad():
                    expected = model(x)
                    self.assertLess(float((expected - imported(x)).abs().max()), 1e-4)
                    kept = [m for m in imported.modules() if isinstance(m, torch.nn.BatchNorm2d) and float(m.running_mean.abs().sum()) > 0]
                    if name == "densenet121":
                        self.assertEqual(62, len(kept))
                        kept[0].running_mean.add_(0.1)  # one kept norm's statistics off: the check must see it
                    else:
                        self.assertEqual([], kept)
                        [m for m in imported.modules() if isinstance(m, torch.nn.Conv2d)][-1].weight.mul_(1.1)  # its folded last convolution
                    self.assertGreater(float((expected - imported(x)).abs().max()), 1e-4)


@unittest.skipUnless(os.path.exists(pretrained.RESNET18_ONNX),
                     "the package is not restored: dotnet restore models/training/pretrained/ResNet18Restore.csproj")
class OnnxImportTest(unittest.TestCase):
    def test_an_export_read_back_gives_the_same_logits(self):
        torch.manual_seed(3)
        model = with_statistics(build("resnet18"))
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
