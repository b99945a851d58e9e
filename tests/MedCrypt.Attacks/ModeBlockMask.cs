using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// Reads a block-wise scheme's negative–positive mask off the most common protected block. A slice's black background
/// makes many identical plain blocks (all zeros), and one map for every block turns each into the same protected
/// block: 255 where the map flips, 0 elsewhere. So a value above 127 in the most common block marks a flipped position.
/// The permutation stays; undoing the flips leaves each block's values in the wrong places but with their own sign.
/// </summary>
public static class ModeBlockMask
{
    /// <summary>0xFF for the block positions the most common block says are flipped, 0 for the others.</summary>
    public static byte[] Estimate(PixelImage image, int blockSize)
    {
        var grid = new BlockGrid(image, blockSize);
        byte[] values = grid.Gather(image);
        int length = grid.Length;
        var mask = new byte[length];
        if (grid.BlockCount == 0)
        {
            return mask;
        }

        // Sorting the blocks puts equal ones next to each other; the longest run is the most common block.
        int[] order = [.. Enumerable.Range(0, grid.BlockCount)];
        Array.Sort(order, (a, b) => values.AsSpan(a * length, length).SequenceCompareTo(values.AsSpan(b * length, length)));
        int best = order[0], bestRun = 0, run = 0;
        for (int i = 0; i < order.Length; i++)
        {
            bool continues = i > 0 && values.AsSpan(order[i] * length, length).SequenceEqual(values.AsSpan(order[i - 1] * length, length));
            run = continues ? run + 1 : 1;
            if (run > bestRun)
            {
                (best, bestRun) = (order[i], run);
            }
        }

        ReadOnlySpan<byte> mode = values.AsSpan(best * length, length);
        for (int j = 0; j < length; j++)
        {
            mask[j] = mode[j] > 127 ? (byte)0xFF : (byte)0;
        }

        return mask;
    }

    /// <summary>A copy of <paramref name="image"/> with <paramref name="mask"/> XORed into every whole block (255 − v where it flips).</summary>
    public static PixelImage Apply(PixelImage image, int blockSize, ReadOnlySpan<byte> mask)
    {
        var grid = new BlockGrid(image, blockSize);
        if (mask.Length != grid.Length)
        {
            throw new ArgumentException($"A {blockSize}×{blockSize} mask of this image has {grid.Length} values, not {mask.Length}.", nameof(mask));
        }

        PixelImage result = image.Clone();
        Span<byte> pixels = result.Pixels;
        ReadOnlySpan<int> offsets = grid.Offsets;
        for (int block = 0; block < grid.BlockCount; block++)
        {
            Span<byte> values = pixels[grid.Origin(block)..];
            for (int j = 0; j < offsets.Length; j++)
            {
                values[offsets[j]] ^= mask[j];
            }
        }

        return result;
    }

    /// <summary>The image with the flips the most common block reveals undone.</summary>
    public static PixelImage Unmask(PixelImage image, int blockSize) => Apply(image, blockSize, Estimate(image, blockSize));
}
