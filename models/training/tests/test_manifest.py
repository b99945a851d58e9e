"""models.json entries as train.py and publish.py write them."""
import json
import os
import tempfile
import unittest

from medcrypt_training import manifest


class ManifestTest(unittest.TestCase):
    def test_a_model_trained_on_two_collections_names_both_and_the_upsert_keeps_the_rest(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            graph, path = os.path.join(folder, "b.onnx"), os.path.join(folder, "models.json")
            with open(graph, "wb") as f:
                f.write(b"graph")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"version": 1, "ensembleTumorThreshold": 0.03,
                           "models": [{"name": "a"}, {"name": "b", "temperature": 0.7}, {"name": "c"}]}, f)
            report = {"dataset_sha256sums_hash": {"brain-tumor-mri": "11", "lgg-flair": "22"},
                      "validation_by_source": {"lgg-flair": {"images": 3}}}

            manifest.upsert(path, manifest.entry("b", graph, 128, [0.5] * 3, [0.5] * 3, report))

            with open(path, encoding="utf-8") as f:
                saved = json.load(f)
            self.assertEqual(saved["ensembleTumorThreshold"], 0.03)
            self.assertEqual([m["name"] for m in saved["models"]], ["a", "b", "c"])
            b = saved["models"][1]
            self.assertIsNone(b["datasetSha256SumsHash"])  # the portal reads it as one collection's hash
            self.assertEqual(b["trainingData"], {"brain-tumor-mri": "11", "lgg-flair": "22"})
            self.assertEqual(b["validationBySource"], {"lgg-flair": {"images": 3}})
            self.assertNotIn("temperature", b)  # calibration.py sets it for the new weights

    def test_one_collection_keeps_its_hash_where_the_portal_reads_it(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            graph = os.path.join(folder, "a.onnx")
            with open(graph, "wb") as f:
                f.write(b"graph")
            e = manifest.entry("a", graph, 128, [0.5] * 3, [0.5] * 3, {"dataset_sha256sums_hash": "ab"})
            self.assertEqual(e["datasetSha256SumsHash"], "ab")
            self.assertNotIn("trainingData", e)


if __name__ == "__main__":
    unittest.main()
