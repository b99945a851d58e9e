using System.Globalization;
using System.Text;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

/// <summary>
/// The gate on real images: every slice of both brain collections (by split) and the non-brain set that
/// models/training/scripts/collect_non_brain.py gathers from this machine. Writes every image's features to
/// models/training/.work/brain-gate/features.csv, which fit_brain_gate.py fits on.
/// </summary>
internal static class BrainSliceGateMeasurement
{
    public static string Datasets => Path.Combine(RepositoryRoot.Path, "..", "shared", "datasets");

    public static string Splits => Path.Combine(RepositoryRoot.Path, "models", "training", ".work", "splits");

    public static string NonBrain => Path.Combine(RepositoryRoot.Path, "models", "training", ".work", "non-brain");

    public sealed record Row(string Group, string Kind, string Path, BrainSliceFeatures Features)
    {
        public string? Reason => BrainSliceGate.Judge(Features);
    }

    /// <summary>Brain slices: split 'train' is the fitted part. Non-brain: the files whose name hashes even are fitted.</summary>
    public static List<Row> MeasureAll()
    {
        var codec = new ImageCodec();
        var rows = new List<Row>();
        foreach (string collection in new[] { "brain-tumor-mri", "lgg-flair" })
        {
            foreach (string split in new[] { "train", "validation", "holdout" })
            {
                foreach (string name in File.ReadAllLines(Path.Combine(Splits, collection, split + ".txt")).Where(l => l.Length > 0))
                {
                    string png = Path.Combine(Datasets, collection, name);
                    string file = File.Exists(png) ? png : Path.ChangeExtension(png, ".jpg");
                    rows.Add(new Row(split == "train" ? "fit" : "report", "brain/" + collection, file, Measure(codec, file)));
                }
            }
        }

        foreach (string kind in Directory.GetDirectories(NonBrain).Order(StringComparer.Ordinal))
        {
            foreach (string file in Directory.GetFiles(kind, "*.png").Order(StringComparer.Ordinal))
            {
                string group = (System.IO.Hashing.Crc32.HashToUInt32(Encoding.UTF8.GetBytes(Path.GetFileName(file))) % 2) == 0 ? "fit" : "report";
                try
                {
                    rows.Add(new Row(group, "non-brain/" + Path.GetFileName(kind), file, Measure(codec, file)));
                }
                catch (ImageRejectedException)
                {
                    // Over the codec's size limits: the portal refuses it before the gate, so it is no test of the gate.
                }
            }
        }

        string output = Path.Combine(RepositoryRoot.Path, "models", "training", ".work", "brain-gate");
        Directory.CreateDirectory(output);
        var csv = new StringBuilder("group,kind,path,saturation,contrast,head_share,solidity,border_share,dark_share,bright_share,smoothness\n");
        foreach (Row r in rows)
        {
            BrainSliceFeatures f = r.Features;
            csv.AppendLine(CultureInfo.InvariantCulture, $"{r.Group},{r.Kind},{r.Path},{f.Saturation:F4},{f.Contrast:F4},{f.HeadShare:F4},{f.Solidity:F4},{f.BorderShare:F4},{f.DarkShare:F4},{f.BrightShare:F4},{f.Smoothness:F4}");
        }

        File.WriteAllText(Path.Combine(output, "features.csv"), csv.ToString());
        return rows;
    }

    private static BrainSliceFeatures Measure(ImageCodec codec, string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        return BrainSliceFeatures.Measure(codec.Decode(bytes, PixelFormat.Gray8), codec.Decode(bytes, PixelFormat.Rgb24));
    }
}
