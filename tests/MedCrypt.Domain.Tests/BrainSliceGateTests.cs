using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

public sealed class BrainSliceGateTests
{
    [Fact]
    public void A_head_phantom_passes()
    {
        PixelImage gray = HeadPhantom(256, 256);
        Assert.Null(BrainSliceGate.Judge(BrainSliceFeatures.Measure(gray, PixelConversions.GrayToRgb(gray))));
        BrainSliceGate.Check(gray, PixelConversions.GrayToRgb(gray));
    }

    [Theory]
    [InlineData("black", "blank")]
    [InlineData("white", "blank")]
    [InlineData("near-blank", "blank")]
    [InlineData("noise", "texture")]
    [InlineData("text-page", "texture")]
    public void Pictures_that_are_not_brain_slices_are_stopped(string picture, string reason)
    {
        PixelImage gray = Gray(picture);
        var e = Assert.Throws<NotABrainSliceException>(() => BrainSliceGate.Check(gray, PixelConversions.GrayToRgb(gray)));
        Assert.Equal(reason, e.Reason);
        Assert.True(e.Unprocessable);
        Assert.Equal("The image does not look like a brain MRI slice; it was not screened.", e.Message);
    }

    [Fact]
    public void A_colour_photo_is_stopped_even_when_its_gray_version_looks_like_a_head()
    {
        PixelImage gray = HeadPhantom(200, 200);
        var colour = PixelConversions.GrayToRgb(gray);
        Span<byte> rgb = colour.Pixels;
        for (int i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = (byte)Math.Min(255, rgb[i] + 60); // a warm cast, as in a photograph of skin
            rgb[i + 2] = (byte)(rgb[i + 2] / 2);
        }

        Assert.Equal("colour", Assert.Throws<NotABrainSliceException>(() => BrainSliceGate.Check(gray, colour)).Reason);
    }

    [Fact]
    public void The_committed_thresholds_are_the_ones_the_gate_uses()
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "models", "brain-gate.json")));
        System.Text.Json.JsonElement rules = json.RootElement.GetProperty("rules");
        double Threshold(string name) => rules.GetProperty(name).GetProperty("threshold").GetDouble();
        Assert.Equal(
            [BrainSliceGate.MaxSaturation, BrainSliceGate.MinContrast, BrainSliceGate.MinSmoothness, BrainSliceGate.MaxBrightShare, BrainSliceGate.MinHeadShare, BrainSliceGate.MaxHeadShare, BrainSliceGate.MinSolidity],
            new[] { "saturation", "contrast", "smoothness", "bright_share", "head_share_min", "head_share", "solidity" }.Select(Threshold));
    }

    [Fact]
    public void Real_brain_slices_pass_and_real_non_brain_images_are_stopped_on_the_held_out_part()
    {
        Assert.SkipUnless(Directory.Exists(BrainSliceGateMeasurement.Datasets), $"The datasets are not at {BrainSliceGateMeasurement.Datasets}: this test needs ../shared/datasets.");
        Assert.SkipUnless(Directory.Exists(BrainSliceGateMeasurement.Splits), "No splits: run models/training/scripts/make_splits.py first.");
        Assert.SkipUnless(Directory.Exists(BrainSliceGateMeasurement.NonBrain), "No non-brain set: run models/training/scripts/collect_non_brain.py first.");
        List<BrainSliceGateMeasurement.Row> rows = BrainSliceGateMeasurement.MeasureAll();
        var report = rows.Where(r => r.Group == "report").ToList();
        var lines = new List<string>();
        foreach (var kind in report.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int passed = kind.Count(r => r.Reason is null);
            lines.Add($"{kind.Key}: {passed}/{kind.Count()} passed ({100.0 * passed / kind.Count():F2} %)");
        }

        TestContext.Current.SendDiagnosticMessage(string.Join("\n", lines));
        Console.WriteLine(string.Join("\n", lines));
        foreach (var collection in report.Where(r => r.Kind.StartsWith("brain/", StringComparison.Ordinal)).GroupBy(r => r.Kind))
        {
            double pass = collection.Count(r => r.Reason is null) / (double)collection.Count();
            Assert.True(pass >= 0.99, $"{collection.Key}: {pass:P2} of held-out brain slices pass (target ≥ 99 %).\n{string.Join("\n", lines)}");
        }

        var nonBrain = report.Where(r => r.Kind.StartsWith("non-brain/", StringComparison.Ordinal)).ToList();
        double stopped = nonBrain.Count(r => r.Reason is not null) / (double)nonBrain.Count;
        Assert.True(stopped >= 0.95, $"{stopped:P2} of held-out non-brain images stopped (target ≥ 95 %).\n{string.Join("\n", lines)}");
    }

    /// <summary>An axial slice as an MRI shows it: black background, a bright scalp ring, dark skull, gray brain with darker ventricles.</summary>
    internal static PixelImage HeadPhantom(int width, int height)
    {
        var image = new PixelImage(width, height, PixelFormat.Gray8);
        double cx = width / 2.0, cy = height / 2.0, rx = width * 0.36, ry = height * 0.44;
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = image.Row(y);
            for (int x = 0; x < width; x++)
            {
                double u = (x - cx) / rx, v = (y - cy) / ry, r = Math.Sqrt((u * u) + (v * v));
                double ventricle = Math.Pow((x - cx) / (rx * 0.18), 2) + Math.Pow((y - cy) / (ry * 0.3), 2);
                int value = r > 1 ? 0 : r > 0.94 ? 170 : r > 0.88 ? 25 : ventricle < 1 ? 40 : 95 + (int)(30 * Math.Sin(x * 0.21) * Math.Cos(y * 0.17));
                row[x] = (byte)(value + (r <= 1 ? (x * 7 + y * 13) % 9 : 0));
            }
        }

        return image;
    }

    private static PixelImage Gray(string picture)
    {
        var image = new PixelImage(256, 256, PixelFormat.Gray8);
        Span<byte> p = image.Pixels;
        var random = new Random(16);
        switch (picture)
        {
            case "white": p.Fill(255); break;
            case "near-blank": for (int i = 0; i < p.Length; i++) p[i] = (byte)(30 + random.Next(3)); break;
            case "noise": random.NextBytes(p); break;
            case "text-page":
                p.Fill(250);
                for (int line = 20; line < 236; line += 14)
                {
                    for (int x = 16; x < 240; x++)
                    {
                        if (random.Next(3) != 0) // words and gaps
                        {
                            for (int y = line; y < line + 7; y++) p[(y * 256) + x] = random.Next(2) == 0 ? (byte)15 : (byte)250;
                        }
                    }
                }

                break;
        }

        return image;
    }
}
