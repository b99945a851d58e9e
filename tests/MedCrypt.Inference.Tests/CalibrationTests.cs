using System.Text.Json.Nodes;
using MedCrypt.Inference.Classification;
using MedCrypt.Inference.Models;
using MedCrypt.Testing;

namespace MedCrypt.Inference.Tests;

/// <summary>
/// The manifest's calibration: each model's logits divided by its temperature before the softmax; its probabilities,
/// label and tumor decision from the calibrated softmax; the raw logits reported as they are; the ensemble the mean of
/// the calibrated probabilities, decided at the manifest's ensemble operating point.
/// </summary>
public sealed class CalibrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("medcrypt-calibration-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public CalibrationTests()
    {
        foreach (string file in Directory.GetFiles(TinyModels.Folder, "*.onnx"))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Softmax_with_a_temperature_is_the_softmax_of_the_divided_logits()
    {
        double[] expected = Softmax([0.5, 1.0, 1.5, -2.0]);
        double[] actual = Classifier.Softmax([1f, 2f, 3f, -4f], 2.0);

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 12);
        }

        Assert.Equal(Classifier.Softmax([1f, 2f, 3f, -4f]), Classifier.Softmax([1f, 2f, 3f, -4f], 1.0)); // T = 1: as before, bit for bit
    }

    [Fact]
    public async Task A_models_temperature_divides_its_logits_before_the_softmax_and_the_logits_stay_raw()
    {
        ImageInput image = TinyModels.Image(7);
        await using Classifier plain = Classifier.Load(Options(Manifest()));
        await using Classifier calibrated = Classifier.Load(Options(Manifest(temperatures: [2.0, 0.25])));
        Diagnosis before = await plain.ClassifyAsync(image, cancellationToken: Ct);
        Diagnosis after = await calibrated.ClassifyAsync(image, cancellationToken: Ct);
        double[] temperatures = [2.0, 0.25];

        for (int m = 0; m < after.Models.Count; m++)
        {
            ModelPrediction p = after.Models[m];
            Assert.Equal(before.Models[m].Logits, p.Logits); // bit for bit: calibration happens after the model
            double[] expected = Softmax([.. p.Logits!.Select(z => z / temperatures[m])]);
            string[] classes = [.. calibrated.Models[m].Classes];
            for (int c = 0; c < classes.Length; c++)
            {
                Assert.Equal(expected[c], p.Probabilities[classes[c]], 6);
            }

            Assert.Equal(1 - p.Probabilities["notumor"], p.TumorProbability, 9);
            Assert.Equal(p.Probabilities.Where(kv => (kv.Key != "notumor") == p.Tumor).MaxBy(kv => kv.Value).Key, p.Label);
            Assert.True(Math.Abs(before.Models[m].TumorProbability - p.TumorProbability) > 1e-4,
                $"{p.Model}: the temperature changed nothing ({p.TumorProbability} either way)");
        }

        foreach (string c in calibrated.Models[0].Classes)
        {
            Assert.Equal(after.Models.Average(p => p.Probabilities[c]), after.Ensemble.Probabilities[c], 9);
        }

        Assert.Null(after.Ensemble.Logits);
    }

    [Fact]
    public async Task No_temperature_is_temperature_one()
    {
        ImageInput image = TinyModels.Image(8);
        await using Classifier absent = Classifier.Load(Options(Manifest()));
        await using Classifier one = Classifier.Load(Options(Manifest(temperatures: [1.0, 1.0])));
        Diagnosis a = await absent.ClassifyAsync(image, cancellationToken: Ct);
        Diagnosis b = await one.ClassifyAsync(image, cancellationToken: Ct);

        Assert.Equal(1.0, absent.Models[0].Temperature);
        Assert.Equal(a.Ensemble.Probabilities, b.Ensemble.Probabilities);
        Assert.Equal(a.Models[1].Probabilities, b.Models[1].Probabilities);
    }

    [Fact]
    public async Task The_tumor_decision_is_taken_on_the_calibrated_probability_at_the_manifests_operating_points()
    {
        ImageInput image = TinyModels.Image(9);
        double[] temperatures = [0.2, 0.2];
        Diagnosis raw, scaled;
        await using (Classifier c = Classifier.Load(Options(Manifest())))
        {
            raw = await c.ClassifyAsync(image, cancellationToken: Ct);
        }

        await using (Classifier c = Classifier.Load(Options(Manifest(temperatures: temperatures))))
        {
            scaled = await c.ClassifyAsync(image, cancellationToken: Ct);
        }

        // Operating points between the raw and the calibrated P(tumor): the decision says which of the two was used.
        double[] thresholds = [.. raw.Models.Zip(scaled.Models, (r, s) => (r.TumorProbability + s.TumorProbability) / 2)];
        double ensemble = (raw.Ensemble.TumorProbability + scaled.Ensemble.TumorProbability) / 2;
        await using Classifier calibrated = Classifier.Load(Options(Manifest(temperatures, thresholds, ensemble)));
        await using Classifier uncalibrated = Classifier.Load(Options(Manifest(null, thresholds, ensemble)));
        Diagnosis after = await calibrated.ClassifyAsync(image, cancellationToken: Ct);
        Diagnosis before = await uncalibrated.ClassifyAsync(image, cancellationToken: Ct);

        for (int m = 0; m < after.Models.Count; m++)
        {
            Assert.Equal(thresholds[m], after.Models[m].TumorThreshold);
            Assert.Equal(after.Models[m].TumorProbability >= thresholds[m], after.Models[m].Tumor);
            Assert.NotEqual(before.Models[m].Tumor, after.Models[m].Tumor);
        }

        Assert.Equal(ensemble, after.Ensemble.TumorThreshold);
        Assert.Equal(after.Ensemble.TumorProbability >= ensemble, after.Ensemble.Tumor);
        Assert.NotEqual(before.Ensemble.Tumor, after.Ensemble.Tumor);
        Assert.Equal(ensemble, calibrated.TumorThresholds[Classifier.EnsembleName]);
        Assert.Equal(thresholds[1], calibrated.TumorThresholds["tiny-b"]);
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.999)]
    public async Task The_label_is_on_the_side_of_the_operating_point_the_reading_falls(double threshold)
    {
        await using Classifier c = Classifier.Load(Options(Manifest(thresholds: [threshold, threshold], ensembleThreshold: threshold)));
        for (int seed = 0; seed < 8; seed++)
        {
            Diagnosis d = await c.ClassifyAsync(TinyModels.Image(seed), cancellationToken: Ct);
            foreach (ModelPrediction p in d.Models.Append(d.Ensemble))
            {
                // The untrained fixture reads nearly uniform probabilities: every reading is a tumor at 0.001 and none at 0.999.
                Assert.Equal(threshold < 0.5, p.Tumor);
                Assert.Equal(p.Tumor, p.Label != "notumor");
                Assert.Equal(p.Probabilities.Where(kv => (kv.Key != "notumor") == p.Tumor).MaxBy(kv => kv.Value).Key, p.Label);
            }
        }
    }

    [Fact]
    public async Task The_occlusion_map_starts_from_the_calibrated_tumor_probability()
    {
        ImageInput image = TinyModels.Image(10);
        await using Classifier calibrated = Classifier.Load(Options(Manifest(temperatures: [0.2, 1.0])));
        Diagnosis diagnosis = await calibrated.ClassifyAsync(image, cancellationToken: Ct);

        OcclusionMap map = await calibrated.ExplainAsync(image, "tiny-a", patch: 16, stride: 16, cancellationToken: Ct);

        Assert.Equal(diagnosis.Models[0].TumorProbability, map.TumorProbability, 6);
    }

    [Fact]
    public async Task A_model_left_out_of_the_ensemble_is_run_and_shown_but_not_averaged()
    {
        ImageInput image = TinyModels.Image(11);
        JsonNode json = ManifestJson();
        json["models"]![1]!["inEnsemble"] = false;
        await using Classifier classifier = Classifier.Load(Options(Write(json)));

        Diagnosis both = await classifier.ClassifyAsync(image, cancellationToken: Ct);
        Diagnosis outsideOnly = await classifier.ClassifyAsync(image, models: ["tiny-b"], cancellationToken: Ct);

        Assert.Equal(2, both.Models.Count);
        Assert.Equal(both.Models[0].Probabilities, both.Ensemble.Probabilities); // tiny-a alone
        Assert.NotEqual(both.Models[1].Probabilities, both.Ensemble.Probabilities);
        Assert.Equal(outsideOnly.Models[0].Probabilities, outsideOnly.Ensemble.Probabilities); // only tiny-b was asked for

        json["models"]![0]!["inEnsemble"] = false;
        ModelConfigurationException none = Assert.Throws<ModelConfigurationException>(() => Classifier.Load(Options(Write(json))));
        Assert.Contains("inEnsemble", none.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    [InlineData("-1e-300")]
    public void A_temperature_that_is_not_positive_is_refused_at_start_up(string temperature)
    {
        JsonNode json = ManifestJson();
        json["models"]![1]!["temperature"] = JsonNode.Parse(temperature);
        string manifest = Write(json);

        ModelConfigurationException e = Assert.Throws<ModelConfigurationException>(() => Classifier.Load(Options(manifest)));

        Assert.Contains("Model 'tiny-b'", e.Message);
        Assert.Contains("temperature", e.Message);
        Assert.Contains("positive", e.Message);
    }

    [Theory]
    [InlineData("tumorThreshold", "0")]
    [InlineData("tumorThreshold", "1")]
    [InlineData("ensembleTumorThreshold", "1.5")]
    public void An_operating_point_outside_zero_to_one_is_refused_at_start_up(string field, string value)
    {
        JsonNode json = ManifestJson();
        JsonNode target = field == "tumorThreshold" ? json["models"]![0]! : json;
        target[field] = JsonNode.Parse(value);
        string manifest = Write(json);

        ModelConfigurationException e = Assert.Throws<ModelConfigurationException>(() => Classifier.Load(Options(manifest)));

        Assert.Contains(field, e.Message);
    }

    private static InferenceOptions Options(string manifest) => TinyModels.Options with { Manifest = manifest };

    private static JsonNode ManifestJson() => JsonNode.Parse(File.ReadAllText(Path.Combine(TinyModels.Folder, "models.json")))!;

    /// <summary>The tiny models' manifest with these temperatures and operating points (null: the field left out).</summary>
    private string Manifest(double[]? temperatures = null, double[]? thresholds = null, double? ensembleThreshold = null)
    {
        JsonNode json = ManifestJson();
        for (int m = 0; m < 2; m++)
        {
            if (temperatures is not null)
            {
                json["models"]![m]!["temperature"] = temperatures[m];
            }

            if (thresholds is not null)
            {
                json["models"]![m]!["tumorThreshold"] = thresholds[m];
            }
        }

        if (ensembleThreshold is { } e)
        {
            json["ensembleTumorThreshold"] = e;
        }

        return Write(json);
    }

    private string Write(JsonNode json)
    {
        string path = Path.Combine(_folder, $"models-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        double[] e = [.. z.Select(v => Math.Exp(v - max))];
        double sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }
}
