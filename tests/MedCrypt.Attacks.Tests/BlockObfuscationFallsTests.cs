using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Metrics;
using MedCrypt.Crypto.Schemes.Blockwise;

namespace MedCrypt.Attacks.Tests;

/// <summary>
/// The old default, <c>block</c> (one permutation and negative–positive for every 4×4 block, no nonce), falls to the
/// attacks, as the outside review found: proof that the attacks are real and that the encryption tests can fail.
/// </summary>
public sealed class BlockObfuscationFallsTests
{
    [Fact]
    public void The_protected_phantom_alone_gives_back_a_sharp_slice() => AssertCiphertextOnlyBreaks(SlicePairs.Phantoms);

    [Fact]
    public void A_protected_real_slice_alone_gives_back_a_sharp_slice()
    {
        SlicePairs.SkipUnlessDataset();
        AssertCiphertextOnlyBreaks(SlicePairs.Real);
    }

    [Fact]
    public void One_known_phantom_pair_unlocks_another_phantom_and_a_repeat_is_identical() => AssertKnownPlaintextAndRepeatBreak(SlicePairs.Phantoms);

    [Fact]
    public void One_known_real_pair_unlocks_another_slice_and_a_repeat_is_identical()
    {
        SlicePairs.SkipUnlessDataset();
        AssertKnownPlaintextAndRepeatBreak(SlicePairs.Real);
    }

    private static void AssertCiphertextOnlyBreaks((PixelImage Target, PixelImage Known)[] pairs)
    {
        IReadOnlyList<AttackOutcome>[] results = AttackRun.On(AttackRun.Catalog.Get(BlockScramblingScheme.SchemeId), pairs);
        for (int i = 0; i < pairs.Length; i++)
        {
            AttackOutcome best = AttackSuite.BestCiphertextOnly(results[i]);
            AttackOutcome search = AttackRun.Of<SmoothnessSearchAttack>(results[i]);
            AttackOutcome thumbnail = results[i].Single(o => o.Attack == new BlockMeanAttack(AttackRun.Suite.BlockSize, unmaskFirst: true).Name);
            Assert.True(best.R >= 0.8, $"best ciphertext-only {best}");

            // The search must find the permutation, not just keep the block means: sharper than the thumbnail, and as
            // picture-like as the slice itself.
            double sliceAdjacent = SecurityMetrics.Correlation(pairs[i].Target, AdjacentDirection.Horizontal);
            Assert.True(search.R >= 0.95 && search.R > thumbnail.R, $"{search} against {thumbnail}");
            Assert.True(search.AdjacentCorrelation >= sliceAdjacent - 0.05, $"{search}; the slice's own adjacent r is {sliceAdjacent:F3}");
        }
    }

    private static void AssertKnownPlaintextAndRepeatBreak((PixelImage Target, PixelImage Known)[] pairs)
    {
        foreach (IReadOnlyList<AttackOutcome> outcomes in AttackRun.On(AttackRun.Catalog.Get(BlockScramblingScheme.SchemeId), pairs))
        {
            AttackOutcome knownPlaintext = AttackRun.Of<KnownPlaintextBlockMapAttack>(outcomes);
            AttackOutcome repeat = AttackRun.SameImageTwice(outcomes);
            Assert.True(knownPlaintext.R >= 0.95, $"{knownPlaintext}");
            Assert.Equal(1.0, repeat.R, 12);
        }
    }
}
