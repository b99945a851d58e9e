using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// The whole M×M blocks of an image, and where each of a block's M·M·C values lies from the block's first byte —
/// indexed like the block-wise schemes index them, <c>j = (dy·M + dx)·C + c</c>. Partial blocks at the right and
/// bottom edges are not blocks (the block-wise schemes reject such images).
/// </summary>
internal sealed class BlockGrid
{
    private readonly int[] _offsets;

    public BlockGrid(PixelImage image, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        BlockSize = blockSize;
        Channels = image.Channels;
        RowBytes = image.RowBytes;
        BlocksX = image.Width / blockSize;
        BlocksY = image.Height / blockSize;
        _offsets = new int[blockSize * blockSize * Channels];
        for (int j = 0; j < _offsets.Length; j++)
        {
            int pixel = j / Channels;
            _offsets[j] = ((pixel / blockSize) * RowBytes) + ((pixel % blockSize) * Channels) + (j % Channels);
        }
    }

    public int BlockSize { get; }

    public int Channels { get; }

    public int RowBytes { get; }

    public int BlocksX { get; }

    public int BlocksY { get; }

    public int BlockCount => BlocksX * BlocksY;

    /// <summary>M·M·C: values per block.</summary>
    public int Length => _offsets.Length;

    /// <summary>Offset of value j from its block's first byte.</summary>
    public ReadOnlySpan<int> Offsets => _offsets;

    /// <summary>Index of the first byte of block <paramref name="block"/> (row-major over blocks).</summary>
    public int Origin(int block) => ((block / BlocksX) * BlockSize * RowBytes) + ((block % BlocksX) * BlockSize * Channels);

    /// <summary>All blocks' values, block after block, each in j order: <c>values[block·Length + j]</c>.</summary>
    public byte[] Gather(PixelImage image)
    {
        var values = new byte[BlockCount * Length];
        ReadOnlySpan<byte> pixels = image.Pixels;
        ReadOnlySpan<int> offsets = _offsets;
        for (int block = 0; block < BlockCount; block++)
        {
            ReadOnlySpan<byte> from = pixels[Origin(block)..];
            Span<byte> to = values.AsSpan(block * Length, Length);
            for (int j = 0; j < to.Length; j++)
            {
                to[j] = from[offsets[j]];
            }
        }

        return values;
    }
}
