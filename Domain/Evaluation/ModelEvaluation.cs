using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Evaluation;

/// <summary>
/// Measures the models on a folder-per-class dataset under one protection scheme, the way the portal would read
/// each image: decode, prepare, protect under a fresh evaluation key, then classify as <see cref="SchemeReader"/>
/// says — except that a cipher the models cannot read is, without <c>decryptFirst</c>, handed to them as it is.
/// A DICOM file (one frame) is decoded as an upload is, by <paramref name="dicom"/>.
/// </summary>
public sealed class ModelEvaluation(ImageCodec codec, ScanPreparation preparation, SchemeCatalog schemes, Classifier classifier, DicomCodec? dicom = null)
{
    public const string Plain = "plain";

    /// <param name="datasetFolder">One folder per class; a collection may lack some (lgg-flair has only glioma and notumor), not all.</param>
    /// <param name="onlyFiles">Paths relative to the dataset folder, extension ignored (the training pipeline lists the
    /// validation split by its prepared PNG names); all images when null. Every one must be found.</param>
    public async Task<EvaluationReport> RunAsync(
        string datasetFolder,
        string schemeId,
        bool decryptFirst = false,
        IReadOnlyCollection<string>? models = null,
        IReadOnlySet<string>? onlyFiles = null,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ImageProtectionScheme? scheme = schemeId == Plain ? null : schemes.Get(schemeId);
        IReadOnlyList<string> classes = classifier.Models[0].Classes;
        var files = new List<(string Path, int Truth)>();
        if (!classes.Any(c => Directory.Exists(Path.Combine(datasetFolder, c))))
        {
            throw new ArgumentException($"{datasetFolder} has no class folder; it needs one folder per class: {string.Join(", ", classes)}.");
        }

        for (int c = 0; c < classes.Count; c++)
        {
            // A missing class folder is a class the collection does not have.
            string folder = Path.Combine(datasetFolder, classes[c]);
            files.AddRange((Directory.Exists(folder) ? Directory.GetFiles(folder) : [])
                .Where(f => onlyFiles is null || onlyFiles.Contains(WithoutExtension(Path.GetRelativePath(datasetFolder, f))))
                .Order(StringComparer.Ordinal)
                .Select(f => (f, c)));
        }

        if (onlyFiles is not null && files.Count != onlyFiles.Count)
        {
            // A list read against the wrong folder would otherwise measure a part of it, or nothing, without a word.
            var found = files.Select(f => WithoutExtension(Path.GetRelativePath(datasetFolder, f.Path))).ToHashSet();
            string[] missing = [.. onlyFiles.Where(f => !found.Contains(f)).Order(StringComparer.Ordinal)];
            throw new ArgumentException($"{missing.Length} of the {onlyFiles.Count} listed images are not in {datasetFolder} (e.g. {string.Join(", ", missing.Take(3))}).");
        }

        using SecretKey key = SecretKey.Generate();
        PixelFormat format = scheme is ColorShufflingScheme ? PixelFormat.Rgb24 : PixelFormat.Gray8;
        var reader = new SchemeReader(new BlockAdaptations(classifier.Models));

        var results = new ConcurrentDictionary<int, Diagnosis>();
        int done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            ModelInput input = Protect(Read(files[i].Path, format), scheme, key, reader, decryptFirst);
            results[i] = await classifier.ClassifyAsync(input.Image, input.Adaptations, models, ct).ConfigureAwait(false);
            progress?.Report(Interlocked.Increment(ref done));
        }).ConfigureAwait(false);

        int[] truth = [.. files.Select(f => f.Truth)];
        string[] names = [.. results[0].Models.Select(m => m.Model).Append(results[0].Ensemble.Model)];
        var byModel = names.ToDictionary(name => name, name => ClassificationMetrics.Compute(
            classes,
            classifier.Models[0].TumorClasses,
            truth,
            [.. Enumerable.Range(0, files.Count).Select(i => Probabilities(results[i], name, classes))],
            classifier.TumorThresholds[name])); // each at its own operating point, as the portal decides
        EvaluatedImage[] readings = [.. files.Select((f, i) => new EvaluatedImage(Path.GetRelativePath(datasetFolder, f.Path).Replace('\\', '/'), classes[f.Truth], results[i]))];
        return new EvaluationReport(schemeId, scheme is { IsModelReadable: false } && decryptFirst, files.Count, byModel) { Readings = readings };
    }

    /// <summary>"glioma/Tr-gl_0001.jpg" → "glioma/Tr-gl_0001", with forward slashes.</summary>
    public static string WithoutExtension(string relativePath) => Path.ChangeExtension(relativePath, null).Replace('\\', '/');

    private PixelImage Read(string path, PixelFormat format)
    {
        byte[] file = File.ReadAllBytes(path);
        PixelImage slice = DicomReader.IsDicom(file)
            ? (dicom ?? throw new ArgumentException($"{path} is DICOM; this evaluation was given no DICOM codec.")).Decode(file, maxFrames: 1).Frames[0]
            : codec.Decode(file, PixelFormat.Gray8);
        PixelImage prepared = preparation.Prepare(slice, classifier.InputSize);
        return format == PixelFormat.Gray8 ? prepared : PixelConversions.GrayToRgb(prepared);
    }

    private static ModelInput Protect(PixelImage image, ImageProtectionScheme? scheme, SecretKey key, SchemeReader reader, bool decryptFirst)
    {
        if (scheme is null)
        {
            return SchemeReader.AsIs(image);
        }

        ProtectedImage protectedImage = scheme.Encrypt(image, key);
        if (!scheme.IsModelReadable && !decryptFirst)
        {
            // What a model makes of ciphertext it cannot read: the measurement that shows why such schemes need decryption.
            return SchemeReader.AsIs(protectedImage.Pixels);
        }

        return reader.Read(scheme, protectedImage, key, allowDecrypt: true);
    }

    private static double[] Probabilities(Diagnosis diagnosis, string model, IReadOnlyList<string> classes)
    {
        ModelPrediction prediction = model == diagnosis.Ensemble.Model ? diagnosis.Ensemble : diagnosis.Models.First(m => m.Model == model);
        return [.. classes.Select(c => prediction.Probabilities[c])];
    }
}

/// <summary>One evaluation: the scheme, whether ciphertexts were decrypted before the models read them, and each model's metrics (the ensemble's too).</summary>
public sealed record EvaluationReport(string Scheme, bool DecryptedForInference, int Images, IReadOnlyDictionary<string, ClassificationMetrics> ByModel)
{
    /// <summary>Each image's reading, in the order read (class by class, names in ordinal order); not part of the JSON report.</summary>
    [JsonIgnore]
    public IReadOnlyList<EvaluatedImage> Readings { get; init; } = [];
}

/// <summary>One image of an evaluation: its path relative to the dataset folder (forward slashes), its true class, what the models said.</summary>
public sealed record EvaluatedImage(string File, string Truth, Diagnosis Diagnosis);
