using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Attacks.Tests;

/// <summary>
/// Every scheme labelled encryption (today the default pixel-shuffle, and logistic-sine as a control) must leave every
/// attack at chance: |r| ≤ 0.05 against the true slice, or within a thumbnail's chance bound (<see cref="SecrecyTarget"/>).
/// </summary>
public sealed class EncryptionResistsEveryAttackTests
{
    public static TheoryData<string> EncryptionSchemes() =>
        new(AttackRun.Catalog.All.Where(s => s.Kind == ProtectionKind.Encryption).Select(s => s.Id));

    [Fact]
    public void The_default_scheme_and_the_control_are_among_them()
    {
        string[] ids = [.. EncryptionSchemes().Select(row => row.Data)];
        Assert.Contains(SchemeCatalog.DefaultSchemeId, ids);
        Assert.Contains("logistic-sine", ids);
        Assert.True(AttackRun.Catalog.Get(SchemeCatalog.DefaultSchemeId).IsModelReadable);
    }

    [Theory]
    [MemberData(nameof(EncryptionSchemes))]
    public void No_attack_recovers_anything_of_a_phantom(string schemeId) =>
        AssertNothingRecovered(schemeId, SlicePairs.Phantoms);

    [Theory]
    [MemberData(nameof(EncryptionSchemes))]
    public void No_attack_recovers_anything_of_a_real_slice(string schemeId)
    {
        SlicePairs.SkipUnlessDataset();
        AssertNothingRecovered(schemeId, SlicePairs.Real);
    }

    private static void AssertNothingRecovered(string schemeId, (PixelImage Target, PixelImage Known)[] pairs)
    {
        IReadOnlyList<AttackOutcome>[] results = AttackRun.On(AttackRun.Catalog.Get(schemeId), pairs);

        AttackOutcome[] recovered = [.. results.SelectMany(r => r).Where(o => !o.RecoveredNothing)];
        Assert.True(recovered.Length == 0, $"{schemeId}: {string.Join("; ", recovered.Select(o => o.ToString()))}");
    }
}
