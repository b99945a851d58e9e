"""train.py's steps one by one: the default holdout is today's random 10 %, an epoch stops at --max-steps, and the
scripts moved out of the package still run from models/training."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import torch

from medcrypt_training import train

from test_pipeline import write_tiny_prepared_set

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


class TrainStepsTest(unittest.TestCase):
    def test_without_a_split_the_holdout_is_the_first_tenth_of_a_seeded_permutation(self):
        names = [f"n{i}" for i in range(50)]
        hold, fit = train.holdout_indices(names, torch.Generator().manual_seed(1), None)
        order = torch.randperm(50, generator=torch.Generator().manual_seed(1))
        self.assertTrue(torch.equal(hold, order[:5]))
        self.assertTrue(torch.equal(fit, order[5:]))

    def test_an_epoch_stops_at_max_steps_and_the_run_then_stops(self):
        with tempfile.TemporaryDirectory() as work:
            data = os.path.join(work, "prepared")
            write_tiny_prepared_set(data, per_class=10)
            run = train.build_run(train.parse_args(["--model", "densenet121", "--data", data, "--work", work, "--epochs", "2",
                                                    "--batch-size", "4", "--max-steps", "2", "--threads", "2"]))
            self.assertGreater(run.steps_per_epoch, 2)
            self.assertFalse(train.should_stop(run))
            started = time.time()
            loss = train.train_one_epoch(run)
            self.assertEqual(run.step, 2)
            self.assertGreater(loss, 0)
            self.assertTrue(train.should_stop(run))
            train.end_epoch(run, loss, train.evaluate_holdout(run), started)
            self.assertEqual(run.state["epoch"], 1)
            self.assertTrue(os.path.exists(run.best) and os.path.exists(run.last))

    def test_make_test_model_runs_from_scripts(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, "scripts/make_test_model.py", out], cwd=HERE, check=True,
                           env={**os.environ, "OMP_NUM_THREADS": "1"})
            with open(os.path.join(out, "models.json"), encoding="utf-8") as f:
                self.assertEqual([m["name"] for m in json.load(f)["models"]], ["tiny-a", "tiny-b"])


if __name__ == "__main__":
    unittest.main()
