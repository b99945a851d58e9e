using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;

namespace MedCrypt.Attacks.Tests;

/// <summary>
/// The filters and negative–positive are not protection: what they output still shows the slice to anyone — the best
/// ciphertext-only picture correlates with the truth six times above the 0.05 target (the 5×5 min filter, which erodes
/// bright tissue, keeps the least: r ≈ 0.4 on real slices), and a repeat is the same picture.
/// </summary>
public sealed class AnatomyStaysVisibleTests
{
    public static TheoryData<string> FiltersAndNegativePositive() =>
        new([.. AttackRun.Catalog.All.Where(s => s.Kind == ProtectionKind.Filter).Select(s => s.Id), NegativePositiveScheme.SchemeId]);

    [Theory]
    [MemberData(nameof(FiltersAndNegativePositive))]
    public void A_phantom_stays_visible(string schemeId) => AssertVisible(schemeId, SlicePairs.Phantoms);

    [Theory]
    [MemberData(nameof(FiltersAndNegativePositive))]
    public void A_real_slice_stays_visible(string schemeId)
    {
        SlicePairs.SkipUnlessDataset();
        AssertVisible(schemeId, SlicePairs.Real);
    }

    private static void AssertVisible(string schemeId, (PixelImage Target, PixelImage Known)[] pairs)
    {
        ImageProtectionScheme scheme = AttackRun.Catalog.Get(schemeId);
        foreach (IReadOnlyList<AttackOutcome> outcomes in AttackRun.On(scheme, pairs))
        {
            AttackOutcome best = AttackSuite.BestCiphertextOnly(outcomes);
            Assert.True(best.R >= 6 * SecrecyTarget.MaxCorrelation, $"{schemeId}: best ciphertext-only {best}");
            Assert.True(AttackRun.SameImageTwice(outcomes).R >= 0.999, $"{schemeId}: deterministic, so a repeat is the same picture");
        }
    }
}
