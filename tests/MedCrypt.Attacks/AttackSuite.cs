using System.Security.Cryptography;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Metrics;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;

namespace MedCrypt.Attacks;

/// <summary>
/// Every attack, against one scheme on one slice: protects the target twice and a second, known slice once under one
/// key, hands the attacks what each may hold, and scores every reconstruction against the true target.
/// </summary>
/// <param name="blockSize">M, the block size the block-wise attacks assume: the installation's, which is public.</param>
public sealed class AttackSuite(int blockSize = BlockwiseScheme.DefaultBlockSize)
{
    public const string SameImageTwice = "same image twice";

    public int BlockSize { get; } = blockSize;

    public IReadOnlyList<ReconstructionAttack> Attacks { get; } =
    [
        new BlockMeanAttack(2),
        new BlockMeanAttack(4),
        new BlockMeanAttack(8),
        new ModeMaskAttack(blockSize),
        new BlockMeanAttack(blockSize, unmaskFirst: true),
        new SmoothnessSearchAttack(blockSize),
        new HistogramFoldAttack(),
        new KnownPlaintextBlockMapAttack(blockSize),
        new KnownPlaintextImageMapAttack(),
    ];

    /// <summary>Every outcome's name, in the order <see cref="Run"/> returns them.</summary>
    public IReadOnlyList<string> Names => [.. Attacks.Select(a => a.Name), SameImageTwice];

    /// <summary>
    /// Runs every attack on <paramref name="target"/> protected by <paramref name="scheme"/> under <paramref name="key"/>;
    /// <paramref name="knownPlain"/> is the known-plaintext attacks' pair (a different slice, same key).
    /// Nonces come from <paramref name="nonces"/> when given (a repeatable test), else from the system's CSPRNG.
    /// </summary>
    public IReadOnlyList<AttackOutcome> Run(
        ImageProtectionScheme scheme, SecretKey key, PixelImage target, PixelImage knownPlain, Random? nonces = null)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(knownPlain);
        PixelFormat format = InputFormat(scheme);
        target = Convert(target, format);
        knownPlain = Convert(knownPlain, format);
        var material = new AttackMaterial(
            Protect(scheme, key, target, nonces), Protect(scheme, key, target, nonces), knownPlain, Protect(scheme, key, knownPlain, nonces));

        var outcomes = new List<AttackOutcome>(Attacks.Count + 1);
        foreach (ReconstructionAttack attack in Attacks)
        {
            PixelImage reconstruction = attack.Reconstruct(material);
            outcomes.Add(new AttackOutcome(
                attack.Name,
                attack.Knowledge,
                SecurityMetrics.Pearson(reconstruction, target),
                attack.AdjacentCorrelation(reconstruction),
                attack.IndependentValues(target)));
        }

        outcomes.Add(new AttackOutcome(
            SameImageTwice,
            AttackerKnowledge.SameImageTwice,
            SecurityMetrics.Pearson(material.Target, material.TargetAgain),
            SecurityMetrics.Correlation(material.Target, AdjacentDirection.Horizontal),
            target.ByteCount));
        return outcomes;
    }

    /// <summary>The ciphertext-only outcome with the largest |r|: the best picture the protected image alone gives.</summary>
    public static AttackOutcome BestCiphertextOnly(IEnumerable<AttackOutcome> outcomes) =>
        outcomes.Where(o => o.Knowledge == AttackerKnowledge.CiphertextOnly).MaxBy(o => o.AbsoluteR)
        ?? throw new ArgumentException("No ciphertext-only outcome.", nameof(outcomes));

    /// <summary>Gray, the slices' format, unless the scheme needs colour: then the gray slice in three equal channels.</summary>
    public static PixelFormat InputFormat(ImageProtectionScheme scheme) =>
        scheme is ColorShufflingScheme ? PixelFormat.Rgb24 : PixelFormat.Gray8;

    private static PixelImage Convert(PixelImage image, PixelFormat format)
    {
        if (image.Format == format)
        {
            return image;
        }

        if (image.Format != PixelFormat.Gray8 || format != PixelFormat.Rgb24)
        {
            throw new ArgumentException($"The attacks take gray slices; this one is {image}.", nameof(image));
        }

        var rgb = new PixelImage(image.Width, image.Height, PixelFormat.Rgb24);
        for (int y = 0; y < image.Height; y++)
        {
            ReadOnlySpan<byte> gray = image.Row(y);
            Span<byte> row = rgb.Row(y);
            for (int x = 0; x < gray.Length; x++)
            {
                row.Slice(x * 3, 3).Fill(gray[x]);
            }
        }

        return rgb;
    }

    private static PixelImage Protect(ImageProtectionScheme scheme, SecretKey key, PixelImage plain, Random? nonces)
    {
        byte[] nonce = new byte[scheme.NonceSize];
        if (nonces is null)
        {
            RandomNumberGenerator.Fill(nonce);
        }
        else
        {
            nonces.NextBytes(nonce);
        }

        PixelImage result = plain.CreateLike();
        scheme.Encrypt(plain, key, nonce, result);
        return result;
    }
}
