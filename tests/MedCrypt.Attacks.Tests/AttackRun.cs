using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Tests;

namespace MedCrypt.Attacks.Tests;

/// <summary>Runs the attack suite on slice pairs under a fixed key and repeatable nonces, and writes every outcome to the test's output.</summary>
internal static class AttackRun
{
    public static SchemeCatalog Catalog { get; } = new();

    public static AttackSuite Suite { get; } = new(new SchemeOptions().BlockSize);

    /// <summary>One list of outcomes per pair, in <see cref="AttackSuite.Names"/> order.</summary>
    public static IReadOnlyList<AttackOutcome>[] On(ImageProtectionScheme scheme, (PixelImage Target, PixelImage Known)[] pairs, Random? nonces = null)
    {
        using SecretKey key = SecretKey.FromBytes(TestImages.Bytes(32, start: 77));
        nonces ??= new Random(5);
        IReadOnlyList<AttackOutcome>[] results = [.. pairs.Select(pair => Suite.Run(scheme, key, pair.Target, pair.Known, nonces))];
        ITestOutputHelper? output = TestContext.Current.TestOutputHelper;
        for (int i = 0; i < results.Length; i++)
        {
            output?.WriteLine($"{scheme.Id}, slice {i}:");
            foreach (AttackOutcome outcome in results[i])
            {
                output?.WriteLine($"  {outcome}");
            }
        }

        return results;
    }

    /// <summary>The outcome of the suite's attack of type <typeparamref name="TAttack"/> (the first, if several).</summary>
    public static AttackOutcome Of<TAttack>(IReadOnlyList<AttackOutcome> outcomes)
        where TAttack : ReconstructionAttack
    {
        string name = Suite.Attacks.OfType<TAttack>().First().Name;
        return outcomes.Single(o => o.Attack == name);
    }

    public static AttackOutcome SameImageTwice(IReadOnlyList<AttackOutcome> outcomes) =>
        outcomes.Single(o => o.Attack == AttackSuite.SameImageTwice);
}
