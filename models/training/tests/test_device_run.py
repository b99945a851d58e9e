"""What a training run on the device machine relies on: the packed training set reads exactly like the folder
(same tensors, same split), the float16 chunks reassemble to the trained weights within float16's rounding,
--max-minutes sizes the schedule to the epochs that fit, and --init-from starts a second cycle from a run's weights.
Run from models/training:  /usr/bin/python3 -m unittest discover -s tests -v"""
import json
import os
import tempfile
import unittest

import torch

from medcrypt_training import device_weights, pack, train
from medcrypt_training.data import load_prepared
from medcrypt_training.models import build
from test_pipeline import write_tiny_prepared_set


class DeviceRunTest(unittest.TestCase):
    def test_the_packed_set_loads_exactly_like_the_folder(self):
        with tempfile.TemporaryDirectory() as work:
            folder = os.path.join(work, "prepared")
            write_tiny_prepared_set(folder)
            packed = pack.write(folder, os.path.join(work, "carry", "prepared.npz"))
            (a_train, a_val, a_meta), (b_train, b_val, b_meta) = load_prepared(folder), load_prepared(packed)
            self.assertEqual(a_meta, b_meta)
            for a, b in [(a_train, b_train), (a_val, b_val)]:
                self.assertTrue(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]))
                self.assertEqual(a[0].dtype, b[0].dtype)
                self.assertEqual(a[2], b[2])

    def test_float16_chunks_reassemble_to_the_weights(self):
        with tempfile.TemporaryDirectory() as work:
            run, out, back = (os.path.join(work, d) for d in ["run", "out", "back"])
            os.makedirs(run)
            torch.manual_seed(0)
            model = build("tinynet")
            model.backbone[0].bias.data[0] = 1e6  # beyond float16: must come back exactly
            torch.save(model.state_dict(), os.path.join(run, "best.pt"))
            with open(os.path.join(run, "report.json"), "w", encoding="utf-8") as f:
                json.dump({"model": "tinynet"}, f)
            chunks = device_weights.split(run, out, chunk=4096)
            self.assertGreater(len(chunks), 1)
            with open(os.path.join(out, "train.log"), "w", encoding="utf-8") as f:
                f.write("epoch 1\n")
            state = device_weights.join(out, back)
            for name, t in model.state_dict().items():
                self.assertEqual(state[name].dtype, t.dtype, name)
                self.assertTrue(torch.allclose(state[name], t, rtol=1e-3, atol=1e-4), name)
            self.assertEqual(float(state["backbone.0.bias"][0]), 1e6)
            self.assertTrue(os.path.exists(os.path.join(back, "train.log")))
            build("tinynet").load_state_dict(torch.load(os.path.join(back, "best.pt")))

    def test_max_minutes_sizes_the_schedule_to_the_epochs_that_fit(self):
        with tempfile.TemporaryDirectory() as work:
            data = os.path.join(work, "prepared")
            write_tiny_prepared_set(data)
            packed = pack.write(data, os.path.join(work, "prepared.npz"))
            report = train.main(["--model", "xception", "--data", packed, "--work", work, "--epochs", "2",
                                 "--batch-size", "4", "--threads", "2", "--max-minutes", "5"])
            self.assertEqual(report["planned_epochs"], 2)  # a tiny set: the cap, not the budget, decides
            self.assertEqual(report["epochs"], 2)
            self.assertEqual(report["lr"], 1e-3)  # the CPU's default, whatever the batch

    def test_a_second_cycle_starts_from_the_first_runs_best_weights_in_a_folder_of_its_own(self):
        with tempfile.TemporaryDirectory() as work:
            data = os.path.join(work, "prepared")
            write_tiny_prepared_set(data)
            first = os.path.join(work, "checkpoints", "xception-first")
            os.makedirs(first)
            torch.manual_seed(0)  # not the run's seed: a fresh model would differ everywhere
            weights = build("xception").state_dict()
            torch.save(weights, os.path.join(first, "best.pt"))
            report = train.main(["--model", "xception", "--data", data, "--work", work, "--epochs", "1", "--max-steps", "1",
                                 "--batch-size", "4", "--threads", "2", "--lr", "1e-7", "--init-from", "xception-first"])
            self.assertEqual(report["initialised_from"], "xception-first")
            second = torch.load(os.path.join(work, "checkpoints", "xception-first-continued", "best.pt"))
            for name, t in weights.items():
                if t.is_floating_point() and "running" not in name:  # one step at 1e-7 barely moves a weight
                    self.assertTrue(torch.allclose(second[name], t, atol=1e-5), name)
            self.assertTrue(all(torch.equal(torch.load(os.path.join(first, "best.pt"))[n], t) for n, t in weights.items()))

if __name__ == "__main__":
    unittest.main()
