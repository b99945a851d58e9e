using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes.Blockwise;

/// <summary>
/// A scheme that applies one key-derived <see cref="BlockLinearMap"/> to every M×M block (Tanaka 2018;
/// AprilPyone &amp; Kiya 2021). Deterministic per key, invertible, and readable by a model whose first
/// layer is given the inverse map.
/// </summary>
public abstract class BlockwiseScheme : ImageProtectionScheme
{
    public const int DefaultBlockSize = 4;
    public const int MinBlockSize = 2;
    public const int MaxBlockSize = 16;

    protected BlockwiseScheme(int blockSize)
    {
        if (blockSize is < MinBlockSize or > MaxBlockSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(blockSize), blockSize, $"The block size must be between {MinBlockSize} and {MaxBlockSize} pixels.");
        }

        BlockSize = blockSize;
    }

    public int BlockSize { get; }

    public override bool IsInvertible => true;

    public override bool IsModelReadable => true;

    /// <summary>One map for every block of every image under a key: a ciphertext-only attack undoes it (docs/threat-model.md).</summary>
    public override ProtectionKind Kind => ProtectionKind.Obfuscation;

    /// <summary>The map this key applies to each block of an image with <paramref name="channels"/> channels.</summary>
    public BlockLinearMap GetBlockMap(SecretKey key, int channels)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Enum.IsDefined((PixelFormat)channels))
        {
            throw new ArgumentException($"Block maps exist for 1 (gray) or 3 (RGB) channels, not {channels}.", nameof(channels));
        }

        int length = BlockSize * BlockSize * channels;
        int[] source = Enumerable.Range(0, length).ToArray();
        byte[] xorMask = new byte[length];
        // The purpose names the scheme and the block geometry, so no two geometries share parameters.
        // A shuffle takes 4 bytes per value and a flip 1: 5 bytes per value at most (3,840 for 16×16 RGB).
        using var random = new DerivedRandom(key, $"medcrypt/v1/{Id}/M{BlockSize}/C{channels}", 5 * length);
        Derive(random, channels, source, xorMask);
        return new BlockLinearMap(BlockSize, channels, source, xorMask);
    }

    /// <summary>Fills the identity <paramref name="source"/> and zero <paramref name="xorMask"/> with this scheme's key-derived choices.</summary>
    private protected abstract void Derive(DerivedRandom random, int channels, Span<int> source, Span<byte> xorMask);

    /// <summary>Negative–positive on a key-derived subset: each value flipped with probability ½.</summary>
    private protected static void DeriveFlips(DerivedRandom random, Span<byte> xorMask)
    {
        for (int j = 0; j < xorMask.Length; j++)
        {
            xorMask[j] = random.NextBit() ? (byte)0xFF : (byte)0;
        }
    }

    protected override void EncryptCore(PixelImage plain, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination) =>
        GetBlockMap(key, plain.Channels).Apply(plain, destination);

    protected override void DecryptCore(PixelImage protectedImage, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination) =>
        GetBlockMap(key, protectedImage.Channels).Inverse().Apply(protectedImage, destination);
}
