using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Testing;

namespace MedCrypt.Attacks.Tests;

/// <summary>
/// No picture, only the diagnosis: can protected images alone tell tumor from no tumor? On real slices (the dataset's
/// classes differ in brightness, so their histograms carry the label), a k-NN on histograms must stay at chance for
/// the default encryption, and — proof the attack is real — beat it on the plain slices and on <c>block</c>.
/// </summary>
public sealed class AttributeInferenceTests
{
    private const int PerClass = 150;

    private static readonly Lazy<(PixelImage Image, bool Tumor)[]> Slices = new(() =>
    [
        .. DatasetSlices.Pick(SlicePairs.Dataset, PerClass)
            .Select(file => (DatasetSlices.Prepare(file), Tumor: !file.Contains($"{Path.DirectorySeparatorChar}notumor{Path.DirectorySeparatorChar}", StringComparison.Ordinal))),
    ]);

    [Fact]
    public void The_default_encryption_does_not_give_away_the_diagnosis_while_plain_and_block_do()
    {
        SlicePairs.SkipUnlessDataset();
        double plain = BalancedAccuracy(null);
        double block = BalancedAccuracy(AttackRun.Catalog.Get("block"));
        double shuffle = BalancedAccuracy(AttackRun.Catalog.Get(SchemeCatalog.DefaultSchemeId));
        TestContext.Current.TestOutputHelper?.WriteLine($"balanced accuracy, tumor vs no tumor: plain {plain:P1}, block {block:P1}, pixel-shuffle {shuffle:P1}");

        Assert.True(plain >= 0.68, $"the attack itself is too weak: {plain:P1} on plain slices");
        Assert.True(block >= 0.68, $"block hid the histogram? {block:P1}");
        Assert.True(shuffle <= 0.62, $"pixel-shuffle's protected images give the diagnosis away: {shuffle:P1} (chance 50 %)");
    }

    /// <summary>Half the slices (alternating in each class) label the other half; a fresh key and nonce for every image.</summary>
    private static double BalancedAccuracy(ImageProtectionScheme? scheme)
    {
        var protectedSlices = Slices.Value.Select((s, i) => (Image: Protect(s.Image, scheme), s.Tumor, Train: i % 2 == 0)).ToList();
        return HistogramClassifierAttack.BalancedAccuracy(
            [.. protectedSlices.Where(s => s.Train).Select(s => (s.Image, s.Tumor))],
            [.. protectedSlices.Where(s => !s.Train).Select(s => (s.Image, s.Tumor))]);
    }

    private static PixelImage Protect(PixelImage plain, ImageProtectionScheme? scheme)
    {
        if (scheme is null)
        {
            return plain;
        }

        using SecretKey key = SecretKey.Generate();
        return scheme.Encrypt(plain, key).Pixels;
    }
}
