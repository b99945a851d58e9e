"""models.json entries as train.py and publish.py write them."""
import json
import os
import tempfile
import unittest

from medcrypt_training import manifest

TWO_COLLECTIONS = {"dataset_sha256sums_hash": {"brain-tumor-mri": "11", "lgg-flair": "22"},
                   "validation_by_source": {"lgg-flair": {"images": 3}}}


def _graph(folder: str, name: str) -> str:
    path = os.path.join(folder, f"{name}.onnx")
    with open(path, "wb") as f:
        f.write(b"graph")
    return path


def _upserted(folder: str, name: str) -> dict:
    path = os.path.join(folder, "models.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"version": 1, "models": [{"name": "a"}, {"name": "b", "temperature": 0.7},
                                            {"name": "c", "inEnsemble": False}],
                   "ensembleTumorThreshold": 0.03, "ensembleScreeningValidation": {}}, f)
    manifest.upsert(path, manifest.entry(name, _graph(folder, name), 128, [0.5] * 3, [0.5] * 3, TWO_COLLECTIONS))
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class EntryTest(unittest.TestCase):
    def test_a_model_trained_on_two_collections_names_both_in_training_data(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            e = manifest.entry("b", _graph(folder, "b"), 128, [0.5] * 3, [0.5] * 3, TWO_COLLECTIONS)
        self.assertIsNone(e["datasetSha256SumsHash"])  # the portal reads it as one collection's hash
        self.assertEqual(e["trainingData"], {"brain-tumor-mri": "11", "lgg-flair": "22"})
        self.assertEqual(e["validationBySource"], {"lgg-flair": {"images": 3}})

    def test_one_collection_keeps_its_hash_where_the_portal_reads_it(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            e = manifest.entry("a", _graph(folder, "a"), 128, [0.5] * 3, [0.5] * 3, {"dataset_sha256sums_hash": "ab"})
        self.assertEqual(e["datasetSha256SumsHash"], "ab")
        self.assertNotIn("trainingData", e)


class UpsertTest(unittest.TestCase):
    def test_new_weights_in_the_ensemble_take_its_place_and_drop_the_ensembles_operating_point(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            saved = _upserted(folder, "b")
        self.assertEqual([m["name"] for m in saved["models"]], ["a", "b", "c"])
        self.assertNotIn("temperature", saved["models"][1])  # calibration.py sets it for the new weights
        # The threshold was chosen for the weights replaced: until calibration, the portal's default, not a stale one.
        self.assertNotIn("ensembleTumorThreshold", saved)
        self.assertNotIn("ensembleScreeningValidation", saved)

    def test_new_weights_outside_the_ensemble_stay_outside_and_keep_its_operating_point(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            saved = _upserted(folder, "c")
        self.assertIs(saved["models"][2]["inEnsemble"], False)
        self.assertEqual(saved["ensembleTumorThreshold"], 0.03)
        self.assertEqual(list(saved)[-2:], ["ensembleTumorThreshold", "ensembleScreeningValidation"])  # after the models, as shipped

    def test_a_new_entry_that_says_whether_it_is_in_the_ensemble_is_taken_at_its_word(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "models.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"version": 1, "models": [{"name": "c", "inEnsemble": False}], "ensembleTumorThreshold": 0.03}, f)
            e = {**manifest.entry("c", _graph(folder, "c"), 128, [0.5] * 3, [0.5] * 3), "inEnsemble": True}
            manifest.upsert(path, e)
            with open(path, encoding="utf-8") as f:
                saved = json.load(f)
        self.assertIs(saved["models"][0]["inEnsemble"], True)
        self.assertNotIn("ensembleTumorThreshold", saved)


if __name__ == "__main__":
    unittest.main()
