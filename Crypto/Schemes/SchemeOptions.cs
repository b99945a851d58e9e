using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Crypto.Schemes.Chaos;
using MedCrypt.Crypto.Schemes.Filters;

namespace MedCrypt.Crypto.Schemes;

/// <summary>The tunable parameters of the schemes; the defaults are the ones the models are built for.</summary>
public sealed record SchemeOptions
{
    /// <summary>M of the block-wise schemes; the models' adaptation layer uses the same M.</summary>
    public int BlockSize { get; init; } = BlockwiseScheme.DefaultBlockSize;

    public int FilterKernelSize { get; init; } = NeighbourhoodFilterScheme.DefaultKernelSize;

    public int SmoothingBlockSize { get; init; } = BlockSmoothingScheme.DefaultBlockSize;

    public int LogisticSineRounds { get; init; } = LogisticSineScheme.DefaultRounds;
}
