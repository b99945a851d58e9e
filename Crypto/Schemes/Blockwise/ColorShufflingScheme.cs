using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes.Blockwise;

/// <summary>Keyed colour shuffling: each pixel position of a block gets its own key-derived permutation of R, G and B.</summary>
public sealed class ColorShufflingScheme(int blockSize = BlockwiseScheme.DefaultBlockSize) : BlockwiseScheme(blockSize)
{
    public const string SchemeId = "color-shuffle";

    public override string Id => SchemeId;

    public override string DisplayName => $"Colour shuffling ({BlockSize}×{BlockSize} blocks)";

    protected override void ValidateImage(PixelImage image)
    {
        if (image.Format != PixelFormat.Rgb24)
        {
            throw new ArgumentException(
                "Colour shuffling needs an RGB image: a grayscale image has no colour channels to shuffle.");
        }
    }

    private protected override void Derive(DerivedRandom random, int channels, Span<int> source, Span<byte> xorMask)
    {
        for (int pixel = 0; pixel < source.Length; pixel += channels)
        {
            random.Shuffle(source.Slice(pixel, channels));
        }
    }
}
