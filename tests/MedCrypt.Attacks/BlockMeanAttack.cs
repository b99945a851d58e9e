using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Metrics;

namespace MedCrypt.Attacks;

/// <summary>
/// Ciphertext-only: every B×B block replaced by its mean, per channel (a thumbnail upsampled to full size by
/// repetition). A permutation inside a block leaves the block's mean as it was, so a block-wise scheme shows its
/// slice at 1/B resolution — once its flips are undone (<paramref name="unmaskFirst"/>: the most common block's mask),
/// since a flipped value adds 255 − v instead of v.
/// </summary>
public sealed class BlockMeanAttack(int blockSize, bool unmaskFirst = false) : ReconstructionAttack
{
    public int BlockSize { get; } = blockSize >= 1 ? blockSize : throw new ArgumentOutOfRangeException(nameof(blockSize));

    public bool UnmaskFirst { get; } = unmaskFirst;

    public override string Name => UnmaskFirst ? $"mode mask + means {BlockSize}" : $"means {BlockSize}";

    public override AttackerKnowledge Knowledge => AttackerKnowledge.CiphertextOnly;

    public override int IndependentValues(PixelImage image) =>
        Blocks(image.Width) * Blocks(image.Height) * image.Channels;

    public override PixelImage Reconstruct(AttackMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        PixelImage source = UnmaskFirst ? ModeBlockMask.Unmask(material.Target, BlockSize) : material.Target;
        PixelImage result = source.CreateLike();
        int channels = source.Channels;
        Span<int> sums = stackalloc int[channels];
        for (int top = 0; top < source.Height; top += BlockSize)
        {
            int bottom = Math.Min(top + BlockSize, source.Height);
            for (int left = 0; left < source.Width; left += BlockSize)
            {
                int right = Math.Min(left + BlockSize, source.Width);
                int count = (bottom - top) * (right - left);
                sums.Clear();
                for (int y = top; y < bottom; y++)
                {
                    ReadOnlySpan<byte> row = source.Row(y)[(left * channels)..(right * channels)];
                    for (int i = 0; i < row.Length; i++)
                    {
                        sums[i % channels] += row[i];
                    }
                }

                for (int y = top; y < bottom; y++)
                {
                    Span<byte> row = result.Row(y)[(left * channels)..(right * channels)];
                    for (int i = 0; i < row.Length; i++)
                    {
                        row[i] = (byte)((sums[i % channels] + (count / 2)) / count);
                    }
                }
            }
        }

        return result;
    }

    public override double AdjacentCorrelation(PixelImage reconstruction)
    {
        ArgumentNullException.ThrowIfNull(reconstruction);
        int channels = reconstruction.Channels;
        var thumbnail = new PixelImage(Blocks(reconstruction.Width), Blocks(reconstruction.Height), reconstruction.Format);
        for (int y = 0; y < thumbnail.Height; y++)
        {
            ReadOnlySpan<byte> row = reconstruction.Row(y * BlockSize);
            Span<byte> to = thumbnail.Row(y);
            for (int x = 0; x < thumbnail.Width; x++)
            {
                row.Slice(x * BlockSize * channels, channels).CopyTo(to[(x * channels)..]);
            }
        }

        return SecurityMetrics.Correlation(thumbnail, AdjacentDirection.Horizontal);
    }

    private int Blocks(int side) => (side + BlockSize - 1) / BlockSize;
}
