using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Training;

namespace MedCrypt.Domain.Tests;

public sealed class ScanPreparationTests
{
    private static readonly string Dataset = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/datasets/brain-tumor-mri"));
    private readonly ImageCodec _codec = new();
    private readonly ScanPreparation _preparation;

    public ScanPreparationTests() => _preparation = new ScanPreparation(_codec);

    [Fact]
    public void Crops_to_the_head_ignores_burnt_in_text_and_pads_to_a_square()
    {
        // A tall elliptical "head" off-centre in a wide frame, with a bright label in the top-left corner.
        var slice = new PixelImage(300, 200, PixelFormat.Gray8);
        for (int y = 0; y < 200; y++)
        {
            for (int x = 0; x < 300; x++)
            {
                double u = (x - 190) / 50.0, v = (y - 100) / 80.0;
                slice.Row(y)[x] = (byte)((u * u) + (v * v) <= 1 ? 90 + ((x + y) % 7) : 0);
            }
        }

        slice.Row(10).Slice(5, 60).Fill(255);
        slice.Row(11).Slice(5, 60).Fill(255);

        PixelImage prepared = _preparation.Prepare(slice, 64);

        Assert.Equal((64, 64), (prepared.Width, prepared.Height));
        Assert.True(prepared.Row(32)[32] > 0, "the head's centre is in the middle");
        Assert.True(prepared.Row(4)[32] > 0 && prepared.Row(59)[32] > 0, "the taller side of the head spans the square (less a small margin)");
        Assert.Equal(0, prepared.Row(32)[2]); // padded at the sides, not stretched
        Assert.Equal(0, prepared.Row(2)[2]); // the label is gone
    }

    [Fact]
    public void Preparation_is_deterministic_and_spreads_the_head_over_the_full_range()
    {
        var slice = new PixelImage(120, 120, PixelFormat.Gray8);
        for (int y = 20; y < 100; y++)
        {
            for (int x = 20; x < 100; x++)
            {
                slice.Row(y)[x] = (byte)(45 + ((x - 20) / 2)); // a dim, low-contrast head: 45 to 84
            }
        }

        PixelImage first = _preparation.Prepare(slice, 32);
        PixelImage second = _preparation.Prepare(slice, 32);

        Assert.Equal(first.Pixels.ToArray(), second.Pixels.ToArray());
        Assert.True(first.Pixels.ToArray().Max() >= 240, "the head's bright end reaches near white");
        Assert.True(first.Row(16)[2] <= 20, "the head's dark end stays near black");
    }

    [Fact]
    public void Exported_training_images_equal_the_portals_preparation_byte_for_byte()
    {
        Assert.SkipUnless(Directory.Exists(Dataset), $"The dataset is not at {Dataset}: this test needs ../shared/datasets/brain-tumor-mri.");
        string source = Directory.CreateTempSubdirectory("medcrypt-dataset-").FullName;
        string output = Directory.CreateTempSubdirectory("medcrypt-export-").FullName;
        try
        {
            var originals = new List<string>();
            foreach (string label in new[] { "glioma", "meningioma", "notumor", "pituitary" })
            {
                Directory.CreateDirectory(Path.Combine(source, label));
                foreach (string file in Directory.GetFiles(Path.Combine(Dataset, label)).Order(StringComparer.Ordinal).Take(2))
                {
                    string copy = Path.Combine(source, label, Path.GetFileName(file));
                    File.Copy(file, copy);
                    originals.Add(copy);
                }
            }

            new TrainingSetExporter(_codec, _preparation).Export(source, output, 128);

            foreach (string original in originals)
            {
                PixelImage portal = _preparation.Prepare(_codec.Decode(File.ReadAllBytes(original), PixelFormat.Gray8), 128);
                byte[] exported = File.ReadAllBytes(TrainingSetExporter.TargetPath(source, output, original));
                Assert.Equal(portal.Pixels.ToArray(), _codec.Decode(exported, PixelFormat.Gray8).Pixels.ToArray());
            }
        }
        finally
        {
            Directory.Delete(source, recursive: true);
            Directory.Delete(output, recursive: true);
        }
    }
}
