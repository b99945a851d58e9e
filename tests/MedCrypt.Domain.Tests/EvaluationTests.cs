using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Evaluation;
using MedCrypt.Domain.Imaging;
using MedCrypt.Inference.Classification;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

public sealed class EvaluationTests
{
    private static readonly string[] Classes = ["glioma", "meningioma", "notumor", "pituitary"];
    private static readonly string[] Tumors = ["glioma", "meningioma", "pituitary"];

    [Fact]
    public void Metrics_match_a_case_counted_by_hand()
    {
        // Truth: glioma, glioma, notumor, notumor, pituitary. Predictions: glioma, notumor, notumor, meningioma, pituitary.
        int[] truth = [0, 0, 2, 2, 3];
        double[][] p =
        [
            [0.7, 0.1, 0.1, 0.1],
            [0.2, 0.1, 0.6, 0.1],
            [0.1, 0.1, 0.7, 0.1],
            [0.1, 0.5, 0.3, 0.1],
            [0.1, 0.1, 0.2, 0.6],
        ];

        var m = ClassificationMetrics.Compute(Classes, Tumors, truth, p);

        Assert.Equal(0.6, m.Accuracy, 12);
        Assert.Equal([1, 0, 1, 0], m.Confusion[0]);
        Assert.Equal(new ClassRates(0.5, 1.0), m.PerClass["glioma"]);
        Assert.Equal(new ClassRates(0.5, 2 / 3.0), m.PerClass["notumor"]);
        Assert.Equal(2 / 3.0, m.TumorSensitivity, 12); // P(tumor) 0.9, 0.4, 0.8 for the three tumors
        Assert.Equal(0.5, m.TumorSpecificity, 12);     // 0.3 and 0.7 for the two healthy slices
        Assert.Equal(5 / 6.0, m.TumorRocAuc, 12);      // 0.9 and 0.8 beat both healthy 0.3 and 0.7; 0.4 beats 0.3 only
    }

    [Fact]
    public async Task Evaluates_a_folder_per_class_dataset_under_a_scheme()
    {
        string folder = Directory.CreateTempSubdirectory("medcrypt-eval-").FullName;
        try
        {
            var codec = new ImageCodec();
            foreach (string label in Classes)
            {
                Directory.CreateDirectory(Path.Combine(folder, label));
                for (int i = 0; i < 3; i++)
                {
                    var slice = new PixelImage(48, 48, PixelFormat.Gray8);
                    new Random(i + (10 * label.Length)).NextBytes(slice.Pixels);
                    File.WriteAllBytes(Path.Combine(folder, label, $"{i}.png"), codec.EncodePng(slice));
                }
            }

            await using Classifier classifier = Classifier.Load(TinyModels.Options);
            var evaluation = new ModelEvaluation(codec, new ScanPreparation(codec), new SchemeCatalog(), classifier);
            CancellationToken ct = TestContext.Current.CancellationToken;

            EvaluationReport plain = await evaluation.RunAsync(folder, ModelEvaluation.Plain, cancellationToken: ct);
            EvaluationReport block = await evaluation.RunAsync(folder, "block", cancellationToken: ct);
            EvaluationReport decrypted = await evaluation.RunAsync(folder, "logistic-sine", decryptFirst: true, cancellationToken: ct);
            EvaluationReport subset = await evaluation.RunAsync(folder, "median", onlyFiles: new HashSet<string> { "glioma/0", "notumor/1" }, cancellationToken: ct);

            Assert.Equal(12, plain.Images);
            Assert.Equal(["tiny-a", "tiny-b", "ensemble"], plain.ByModel.Keys);
            Assert.Equal(12, plain.ByModel["tiny-a"].Confusion.Sum(row => row.Sum()));
            // Exact adaptation and exact decryption: the same predictions as on the plain images.
            Assert.Equal(plain.ByModel["ensemble"].Confusion, block.ByModel["ensemble"].Confusion);
            Assert.Equal(plain.ByModel["ensemble"].Confusion, decrypted.ByModel["ensemble"].Confusion);
            Assert.True(decrypted.DecryptedForInference);
            Assert.False(block.DecryptedForInference);
            Assert.Equal(2, subset.Images);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_logits_table_has_one_row_per_image_with_each_models_raw_logits()
    {
        string folder = WriteDataset(Classes, perClass: 2);
        try
        {
            await using Classifier classifier = Classifier.Load(TinyModels.Options);
            var codec = new ImageCodec();
            var evaluation = new ModelEvaluation(codec, new ScanPreparation(codec), new SchemeCatalog(), classifier);
            CancellationToken ct = TestContext.Current.CancellationToken;
            EvaluationReport report = await evaluation.RunAsync(folder, ModelEvaluation.Plain, cancellationToken: ct);

            using var text = new StringWriter();
            LogitsCsv.Write(text, classifier.Models[0].Classes, report.Readings);
            string[] lines = text.ToString().Split('\n');

            Assert.Equal(
                "file,label,tiny-a:glioma,tiny-a:meningioma,tiny-a:notumor,tiny-a:pituitary,tiny-b:glioma,tiny-b:meningioma,tiny-b:notumor,tiny-b:pituitary",
                lines[0]);
            Assert.Equal(8 + 2, lines.Length); // header, 8 rows, and the empty string after the last line break
            Assert.Equal("", lines[^1]);
            string[] first = lines[1].Split(',');
            Assert.Equal(["glioma/0.png", "glioma"], first[..2]);
            Assert.Equal(["pituitary/1.png", "pituitary"], lines[8].Split(',')[..2]);

            // The same image read on its own gives the same logits, every digit of them.
            PixelImage image = new ScanPreparation(codec).Prepare(codec.Decode(File.ReadAllBytes(Path.Combine(folder, "glioma", "0.png")), PixelFormat.Gray8), classifier.InputSize);
            Diagnosis alone = await classifier.ClassifyAsync(SchemeReader.AsIs(image).Image, cancellationToken: ct);
            float[] written = [.. first[2..].Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
            Assert.Equal([.. alone.Models[0].Logits!, .. alone.Models[1].Logits!], written);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_collection_without_some_classes_is_read_and_a_list_that_does_not_match_the_folder_is_refused()
    {
        string folder = WriteDataset(["glioma", "notumor"], perClass: 2); // as lgg-flair: two of the four classes
        string empty = Directory.CreateTempSubdirectory("medcrypt-eval-").FullName;
        try
        {
            await using Classifier classifier = Classifier.Load(TinyModels.Options);
            var codec = new ImageCodec();
            var evaluation = new ModelEvaluation(codec, new ScanPreparation(codec), new SchemeCatalog(), classifier);
            CancellationToken ct = TestContext.Current.CancellationToken;

            EvaluationReport report = await evaluation.RunAsync(folder, ModelEvaluation.Plain, onlyFiles: new HashSet<string> { "glioma/1", "notumor/0" }, cancellationToken: ct);
            ArgumentException mismatch = await Assert.ThrowsAsync<ArgumentException>(() =>
                evaluation.RunAsync(folder, ModelEvaluation.Plain, onlyFiles: new HashSet<string> { "glioma/1", "glioma/7", "pituitary/0" }, cancellationToken: ct));
            ArgumentException none = await Assert.ThrowsAsync<ArgumentException>(() => evaluation.RunAsync(empty, ModelEvaluation.Plain, cancellationToken: ct));

            Assert.Equal(["glioma/1.png", "notumor/0.png"], report.Readings.Select(r => r.File));
            Assert.Equal(["glioma", "notumor"], report.Readings.Select(r => r.Truth));
            Assert.Equal(2, report.ByModel["ensemble"].Confusion.Sum(row => row.Sum()));
            Assert.Contains("2 of the 3 listed images", mismatch.Message);
            Assert.Contains("glioma/7", mismatch.Message);
            Assert.Contains("no class folder", none.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Directory.Delete(empty, recursive: true);
        }
    }

    /// <summary>A folder per class, random 48×48 gray slices named 0.png, 1.png, ….</summary>
    private static string WriteDataset(IEnumerable<string> classes, int perClass)
    {
        string folder = Directory.CreateTempSubdirectory("medcrypt-eval-").FullName;
        var codec = new ImageCodec();
        foreach (string label in classes)
        {
            Directory.CreateDirectory(Path.Combine(folder, label));
            for (int i = 0; i < perClass; i++)
            {
                var slice = new PixelImage(48, 48, PixelFormat.Gray8);
                new Random(i + (10 * label.Length)).NextBytes(slice.Pixels);
                File.WriteAllBytes(Path.Combine(folder, label, $"{i}.png"), codec.EncodePng(slice));
            }
        }

        return folder;
    }
}
