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

    def tiny_run(self, work: str, *extra: str) -> train.Run:
        data = os.path.join(work, "prepared")
        if not os.path.exists(data):
            write_tiny_prepared_set(data, per_class=30)  # a holdout with tumors and tumor-free slices
        return train.build_run(train.parse_args(["--model", "densenet121", "--data", data, "--work", work, "--epochs", "3",
                                                 "--batch-size", "4", "--threads", "2", *extra]))

    def test_select_by_screening_keeps_the_epoch_that_clears_most_not_the_most_accurate(self):
        with tempfile.TemporaryDirectory() as work:
            run = self.tiny_run(work, "--select-by", "screening")
            figures = train.evaluate_holdout(run)
            self.assertEqual({"holdout_accuracy", "holdout_screening"}, set(figures))
            first = {k: v.clone() for k, v in run.model.state_dict().items()}
            train.end_epoch(run, 1.0, {"holdout_accuracy": 0.80, "holdout_screening": 0.60}, time.time())
            with torch.no_grad():
                for q in run.model.parameters():
                    q.add_(1.0)
            train.end_epoch(run, 0.9, {"holdout_accuracy": 0.95, "holdout_screening": 0.40}, time.time())
            kept = torch.load(run.best)
            self.assertTrue(all(torch.equal(kept[k], first[k]) for k in first))  # epoch 1's weights: it cleared more
            self.assertEqual((0.60, 1, 1), (run.state["best_holdout"], run.state["best_epoch"], run.state["stale"]))
            self.assertEqual([0.80, 0.95], [h["holdout_accuracy"] for h in run.state["history"]])
            # Resumed under the other rule, the saved best would be compared with a figure of another kind: refused.
            with self.assertRaises(SystemExit):
                self.tiny_run(work, "--select-by", "accuracy")
            self.assertEqual(2, self.tiny_run(work, "--select-by", "screening").state["epoch"])

    def test_mirror_reads_the_slice_and_its_mirror_alike_with_the_model_s_own_weights(self):
        with tempfile.TemporaryDirectory() as work:
            run = self.tiny_run(work, "--mirror")
            self.assertIs(run.reader.backbone, run.model.backbone)  # the mirrored reading trains with the model
            x = run.data_x[:6]
            mirrored = train.predict_logits(run.reader, x.flip(3), "cpu")
            self.assertTrue(torch.allclose(train.predict_logits(run.reader, x, "cpu"), mirrored, atol=1e-5))
            self.assertFalse(torch.allclose(train.predict_logits(run.model, x, "cpu"), mirrored, atol=1e-5))

    def test_a_second_cycle_keeps_its_start_unless_an_epoch_beats_it(self):
        with tempfile.TemporaryDirectory() as work:
            first = self.tiny_run(work, "--run", "first")
            os.makedirs(first.folder, exist_ok=True)
            torch.save(first.model.state_dict(), first.best)
            result = train.main(["--model", "densenet121", "--data", os.path.join(work, "prepared"), "--work", work,
                                 "--batch-size", "4", "--threads", "2", "--epochs", "1", "--max-steps", "1",
                                 "--init-from", "first", "--run", "second"])
            self.assertEqual([0, 1], [h["epoch"] for h in result["history"]])  # the start is measured, as epoch 0
            run = self.tiny_run(work, "--init-from", "first", "--run", "third")
            train.measure_start(run)
            start = {k: v.clone() for k, v in run.model.state_dict().items()}
            worse = run.state["best_holdout"] - 0.1
            with torch.no_grad():
                for q in run.model.parameters():
                    q.add_(1.0)
            train.end_epoch(run, 1.0, {"holdout_accuracy": worse, "holdout_screening": worse}, time.time())
            self.assertEqual(0, run.state["best_epoch"])
            self.assertTrue(all(torch.equal(v, start[k]) for k, v in torch.load(run.best).items()))
            train.end_epoch(run, 1.0, {"holdout_accuracy": worse + 0.2, "holdout_screening": 0.0}, time.time())
            self.assertEqual(2, run.state["best_epoch"])
            self.assertFalse(torch.equal(torch.load(run.best)[next(iter(start))], start[next(iter(start))]))

    def test_a_diverged_model_scores_minus_infinity(self):
        with tempfile.TemporaryDirectory() as work:
            run = self.tiny_run(work, "--select-by", "screening")
            with torch.no_grad():
                next(run.model.parameters()).fill_(float("nan"))
            self.assertEqual({"holdout_accuracy": float("-inf"), "holdout_screening": float("-inf")}, train.evaluate_holdout(run))

    def test_make_test_model_runs_from_scripts(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, "scripts/make_test_model.py", out], cwd=HERE, check=True,
                           env={**os.environ, "OMP_NUM_THREADS": "1"})
            with open(os.path.join(out, "models.json"), encoding="utf-8") as f:
                self.assertEqual([m["name"] for m in json.load(f)["models"]], ["tiny-a", "tiny-b"])


if __name__ == "__main__":
    unittest.main()
