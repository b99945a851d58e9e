using MedCrypt.Crypto.Images;

namespace MedCrypt.Crypto.Schemes.Blockwise;

/// <summary>
/// The transform that a block-wise scheme applies, identically, to every M×M block: a permutation of the
/// block's M·M·C values with negative–positive flips, <c>out[j] = flip[j] ? 255 − in[source[j]] : in[source[j]]</c>.
/// Values are indexed like ONNX SpaceToDepth's channels: <c>j = (dy·M + dx)·C + c</c>.
/// It is affine, so a network's first layer can absorb it exactly (<see cref="WriteAffine"/>).
/// </summary>
public sealed class BlockLinearMap
{
    private readonly int[] _source;
    private readonly byte[] _xorMask;

    internal BlockLinearMap(int blockSize, int channels, int[] source, byte[] xorMask)
    {
        BlockSize = blockSize;
        Channels = channels;
        _source = source;
        _xorMask = xorMask;
        PreservesPixelPositions = Enumerable.Range(0, source.Length).All(j => source[j] / channels == j / channels);
    }

    public int BlockSize { get; }

    public int Channels { get; }

    /// <summary>M·M·C.</summary>
    public int Length => _source.Length;

    /// <summary>For each output value, the index of the input value it comes from.</summary>
    public ReadOnlySpan<int> Source => _source;

    /// <summary>True when every value stays in its pixel (only channels move or flip), so partial edge blocks can be transformed too.</summary>
    public bool PreservesPixelPositions { get; }

    public bool IsFlipped(int index) => _xorMask[index] != 0;

    public BlockLinearMap Inverse()
    {
        var source = new int[Length];
        var mask = new byte[Length];
        for (int j = 0; j < Length; j++)
        {
            // out[j] = in[s] ^ m  ⇔  in[s] = out[j] ^ m
            source[_source[j]] = j;
            mask[_source[j]] = _xorMask[j];
        }

        return new BlockLinearMap(BlockSize, Channels, source, mask);
    }

    /// <summary>
    /// Writes the map as <c>out = W·in + b</c> for values scaled so that 255 ↦ <paramref name="fullScale"/>:
    /// <paramref name="weight"/> is Length × Length, row-major (output, input); <paramref name="bias"/> is Length.
    /// </summary>
    public void WriteAffine(Span<float> weight, Span<float> bias, float fullScale = 1f)
    {
        int n = Length;
        if (weight.Length != n * n || bias.Length != n)
        {
            throw new ArgumentException($"The affine form of a {n}-value block map needs a {n}×{n} weight and {n} biases.");
        }

        weight.Clear();
        for (int j = 0; j < n; j++)
        {
            bool flipped = IsFlipped(j);
            weight[(j * n) + _source[j]] = flipped ? -1f : 1f;
            bias[j] = flipped ? fullScale : 0f;
        }
    }

    /// <summary>Applies the map to every block of <paramref name="source"/>; whole blocks only unless <see cref="PreservesPixelPositions"/>.</summary>
    internal void Apply(PixelImage source, PixelImage destination)
    {
        int m = BlockSize;
        int c = Channels;
        int rowBytes = source.RowBytes;
        int blocksX = source.Width / m;
        int blocksY = source.Height / m;

        // Offsets of each block value from the block's first byte, for this row length.
        Span<int> fromOffset = stackalloc int[Length];
        Span<int> toOffset = stackalloc int[Length];
        for (int j = 0; j < Length; j++)
        {
            toOffset[j] = OffsetInBlock(j, rowBytes);
            fromOffset[j] = OffsetInBlock(_source[j], rowBytes);
        }

        ReadOnlySpan<byte> from = source.Pixels;
        Span<byte> to = destination.Pixels;
        ReadOnlySpan<byte> mask = _xorMask;
        for (int by = 0; by < blocksY; by++)
        {
            for (int bx = 0; bx < blocksX; bx++)
            {
                int origin = (by * m * rowBytes) + (bx * m * c);
                ReadOnlySpan<byte> fromBlock = from[origin..];
                Span<byte> toBlock = to[origin..];
                for (int j = 0; j < toOffset.Length; j++)
                {
                    toBlock[toOffset[j]] = (byte)(fromBlock[fromOffset[j]] ^ mask[j]);
                }
            }
        }

        if (blocksX * m == source.Width && blocksY * m == source.Height)
        {
            return;
        }

        if (!PreservesPixelPositions)
        {
            throw new InvalidOperationException("A map that moves values between pixels needs whole blocks.");
        }

        // Right and bottom edges: partial blocks, pixel by pixel.
        for (int y = 0; y < source.Height; y++)
        {
            int xStart = y < blocksY * m ? blocksX * m : 0;
            ReadOnlySpan<byte> fromRow = source.Row(y);
            Span<byte> toRow = destination.Row(y);
            for (int x = xStart; x < source.Width; x++)
            {
                int pixelIndex = (((y % m) * m) + (x % m)) * c;
                for (int ch = 0; ch < c; ch++)
                {
                    int j = pixelIndex + ch;
                    toRow[(x * c) + ch] = (byte)(fromRow[(x * c) + (_source[j] - pixelIndex)] ^ mask[j]);
                }
            }
        }
    }

    private int OffsetInBlock(int index, int rowBytes)
    {
        int pixel = index / Channels;
        return ((pixel / BlockSize) * rowBytes) + ((pixel % BlockSize) * Channels) + (index % Channels);
    }
}
