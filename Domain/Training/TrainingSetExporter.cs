using System.Security.Cryptography;
using System.Text.Json;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;

namespace MedCrypt.Domain.Training;

/// <summary>
/// Writes a folder-per-class dataset through <see cref="ScanPreparation"/> as S×S 8-bit PNGs, the exact
/// pixels the portal will give the models, plus <c>dataset.json</c> naming the source (the SHA-256 of its
/// SHA256SUMS) and the preparation. The Python training pipeline reads only these files.
/// </summary>
public sealed class TrainingSetExporter(ImageCodec codec, ScanPreparation preparation)
{
    public const int PreparationVersion = 1;

    public ExportSummary Export(string datasetFolder, string outputFolder, int size, IProgress<int>? progress = null)
    {
        string[] classes = [.. Directory.GetDirectories(datasetFolder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
        if (classes.Length == 0)
        {
            throw new ArgumentException($"{datasetFolder} has no class folders.", nameof(datasetFolder));
        }

        string[] files = [.. classes.SelectMany(c => Directory.GetFiles(Path.Combine(datasetFolder, c))
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal))];
        foreach (string label in classes)
        {
            Directory.CreateDirectory(Path.Combine(outputFolder, label));
        }

        int done = 0;
        Parallel.ForEach(files, file =>
        {
            PixelImage prepared = preparation.Prepare(codec.Decode(File.ReadAllBytes(file), PixelFormat.Gray8), size);
            File.WriteAllBytes(TargetPath(datasetFolder, outputFolder, file), codec.EncodePng(prepared));
            progress?.Report(Interlocked.Increment(ref done));
        });

        string sums = Path.Combine(datasetFolder, "SHA256SUMS");
        var summary = new ExportSummary(
            files.Length,
            size,
            PreparationVersion,
            File.Exists(sums) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(sums))) : null,
            classes);
        File.WriteAllText(Path.Combine(outputFolder, "dataset.json"), JsonSerializer.Serialize(summary, JsonOptions));
        return summary;
    }

    /// <summary>Where the prepared copy of <paramref name="file"/> goes: same class folder and name, as PNG.</summary>
    public static string TargetPath(string datasetFolder, string outputFolder, string file) =>
        Path.ChangeExtension(Path.Combine(outputFolder, Path.GetRelativePath(datasetFolder, file)), ".png");

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>What an export wrote: image count, size, preparation version, the source's SHA256SUMS hash, the classes.</summary>
public sealed record ExportSummary(int Images, int Size, int PreparationVersion, string? DatasetSha256SumsHash, string[] Classes);
