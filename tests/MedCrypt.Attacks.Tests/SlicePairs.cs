using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Tests;
using MedCrypt.Domain.Imaging;
using MedCrypt.Testing;

namespace MedCrypt.Attacks.Tests;

/// <summary>
/// (target, known) slice pairs for the attacks, prepared as the models see them: generated head phantoms (always), and
/// real slices one per class (when the dataset is present), each paired with a slice of another class.
/// </summary>
internal static class SlicePairs
{
    public static string Dataset { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "datasets", "brain-tumor-mri"));

    public static bool HaveDataset => Directory.Exists(Dataset);

    private static readonly Lazy<(PixelImage Target, PixelImage Known)[]> LazyPhantoms = new(MakePhantoms);
    private static readonly Lazy<(PixelImage Target, PixelImage Known)[]> LazyReal = new(MakeReal);

    /// <summary>Two phantom pairs; the known slice of each is the other phantom turned a quarter, so it is a different picture.</summary>
    public static (PixelImage Target, PixelImage Known)[] Phantoms => LazyPhantoms.Value;

    /// <summary>Four real pairs, one target per class; call only when <see cref="HaveDataset"/>.</summary>
    public static (PixelImage Target, PixelImage Known)[] Real => LazyReal.Value;

    public static void SkipUnlessDataset() =>
        Assert.SkipUnless(HaveDataset, $"The dataset is not at {Dataset}: the real-slice attacks need ../shared/datasets/brain-tumor-mri.");

    private static (PixelImage, PixelImage)[] MakePhantoms()
    {
        var preparation = new ScanPreparation(new ImageCodec());
        // Drawn coarser than the models' size and enlarged by the preparation, as a real slice's anatomy is wider than a
        // pixel: at full size the phantom's skull is a 2-pixel ring that any 5×5 filter wipes out.
        PixelImage first = preparation.Prepare(TestImages.HeadPhantom(48, 48, seed: 1), DatasetSlices.PreparedSize);
        PixelImage second = preparation.Prepare(QuarterTurn(TestImages.HeadPhantom(48, 42, seed: 2)), DatasetSlices.PreparedSize);
        return [(first, second), (second, first)];
    }

    private static (PixelImage, PixelImage)[] MakeReal()
    {
        PixelImage[] slices = [.. DatasetSlices.Pick(Dataset, perClass: 1).Select(DatasetSlices.Prepare)];
        return [.. slices.Select((slice, i) => (slice, slices[(i + 1) % slices.Length]))];
    }

    /// <summary>A gray image turned a quarter clockwise.</summary>
    private static PixelImage QuarterTurn(PixelImage image)
    {
        var turned = new PixelImage(image.Height, image.Width, image.Format);
        for (int y = 0; y < image.Height; y++)
        {
            ReadOnlySpan<byte> row = image.Row(y);
            for (int x = 0; x < image.Width; x++)
            {
                turned.Row(x)[image.Height - 1 - y] = row[x];
            }
        }

        return turned;
    }
}
