using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;

namespace MedCrypt.Attacks.Tests;

/// <summary>
/// The yardstick itself: uniform noise (the chance level) passes every bound, so a failure means a leak and not bad
/// luck; and the default scheme with its nonce reused would be caught, so the pass means the nonce is doing its work.
/// </summary>
public sealed class AttackSoundnessTests
{
    [Fact]
    public void Uniform_noise_stays_within_every_bound()
    {
        var pairs = SlicePairs.HaveDataset ? [.. SlicePairs.Phantoms, .. SlicePairs.Real] : SlicePairs.Phantoms;

        AttackOutcome[] outcomes = [.. AttackRun.On(new IdealCipher(), pairs).SelectMany(o => o)];

        Assert.All(outcomes, o => Assert.True(o.RecoveredNothing, o.ToString()));
    }

    /// <remarks>
    /// One known pair does not unlock a whole-image permutation even when it is reused: the pair cannot tell apart the
    /// plain positions that hold the same value (a third of a slice is black background), so the image-map attack's
    /// guess is right only where values are rare. The repeat is what gives a reused nonce away.
    /// </remarks>
    [Fact]
    public void Pixel_shuffle_with_a_reused_nonce_is_given_away_by_a_repeat()
    {
        ImageProtectionScheme scheme = AttackRun.Catalog.Get(SchemeCatalog.DefaultSchemeId);

        foreach (IReadOnlyList<AttackOutcome> outcomes in AttackRun.On(scheme, SlicePairs.Phantoms, new ReusedNonces()))
        {
            AttackOutcome repeat = AttackRun.SameImageTwice(outcomes);
            Assert.Equal(1.0, repeat.R, 12);
            Assert.False(repeat.RecoveredNothing);
        }
    }

    [Fact]
    public void The_image_map_attack_unlocks_a_map_that_keeps_positions_from_one_known_pair()
    {
        ImageProtectionScheme scheme = AttackRun.Catalog.Get(NegativePositiveScheme.SchemeId);

        foreach (IReadOnlyList<AttackOutcome> outcomes in AttackRun.On(scheme, SlicePairs.Phantoms))
        {
            AttackOutcome knownPlaintext = AttackRun.Of<KnownPlaintextImageMapAttack>(outcomes);
            Assert.True(knownPlaintext.R >= 0.95, $"{knownPlaintext}");
        }
    }
}
