using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes.Blockwise;

/// <summary>
/// Tanaka's "learnable block-wise encryption" (2018) — obfuscation, not encryption (a ciphertext-only attack undoes it;
/// docs/threat-model.md): inside every M×M block, one key-derived permutation of its M·M·C values
/// and negative–positive on a key-derived subset of them.
/// </summary>
public sealed class BlockScramblingScheme(int blockSize = BlockwiseScheme.DefaultBlockSize) : BlockwiseScheme(blockSize)
{
    public const string SchemeId = "block";

    public override string Id => SchemeId;

    public override string DisplayName => $"Block-wise obfuscation, Tanaka 2018 ({BlockSize}×{BlockSize}): not encryption";

    protected override void ValidateImage(PixelImage image)
    {
        if (image.Width % BlockSize != 0 || image.Height % BlockSize != 0)
        {
            throw new ArgumentException(
                $"Block-wise obfuscation with {BlockSize}×{BlockSize} blocks needs a width and height divisible by {BlockSize}; " +
                $"the image is {image.Width} × {image.Height}. Resize it first (before encryption, never after).");
        }
    }

    private protected override void Derive(DerivedRandom random, int channels, Span<int> source, Span<byte> xorMask)
    {
        random.Shuffle(source);
        DeriveFlips(random, xorMask);
    }
}
