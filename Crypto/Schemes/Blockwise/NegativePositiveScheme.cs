using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes.Blockwise;

/// <summary>Keyed negative–positive transformation: v ↦ 255 − v on a key-derived subset of each block's values.</summary>
public sealed class NegativePositiveScheme(int blockSize = BlockwiseScheme.DefaultBlockSize) : BlockwiseScheme(blockSize)
{
    public const string SchemeId = "negative-positive";

    public override string Id => SchemeId;

    public override string DisplayName => $"Negative–positive ({BlockSize}×{BlockSize} blocks)";

    private protected override void Derive(DerivedRandom random, int channels, Span<int> source, Span<byte> xorMask)
    {
        DeriveFlips(random, xorMask);
    }
}
