using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes.Filters;

/// <summary>Replaces every B×B block (default 8×8; partial blocks at the edges too) by its mean, per channel.</summary>
public sealed class BlockSmoothingScheme : ImageProtectionScheme
{
    public const string SchemeId = "block-smoothing";
    public const int DefaultBlockSize = 8;

    public BlockSmoothingScheme(int blockSize = DefaultBlockSize)
    {
        if (blockSize is < 2 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "The block size must be between 2 and 64 pixels.");
        }

        BlockSize = blockSize;
    }

    public int BlockSize { get; }

    public override string Id => SchemeId;

    public override string DisplayName => $"Block smoothing ({BlockSize}×{BlockSize})";

    public override bool IsInvertible => false;

    public override bool IsModelReadable => true;

    public override ProtectionKind Kind => ProtectionKind.Filter;

    protected override void EncryptCore(PixelImage plain, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination)
    {
        int channels = plain.Channels;
        Span<int> sums = stackalloc int[channels];
        Span<byte> means = stackalloc byte[channels];
        for (int top = 0; top < plain.Height; top += BlockSize)
        {
            int bottom = Math.Min(top + BlockSize, plain.Height);
            for (int left = 0; left < plain.Width; left += BlockSize)
            {
                int right = Math.Min(left + BlockSize, plain.Width);
                int count = (bottom - top) * (right - left);
                sums.Clear();
                for (int y = top; y < bottom; y++)
                {
                    ReadOnlySpan<byte> row = plain.Row(y)[(left * channels)..(right * channels)];
                    for (int i = 0; i < row.Length; i++)
                    {
                        sums[i % channels] += row[i];
                    }
                }

                for (int c = 0; c < channels; c++)
                {
                    means[c] = (byte)((sums[c] + (count / 2)) / count);
                }

                for (int y = top; y < bottom; y++)
                {
                    Span<byte> row = destination.Row(y)[(left * channels)..(right * channels)];
                    for (int i = 0; i < row.Length; i++)
                    {
                        row[i] = means[i % channels];
                    }
                }
            }
        }
    }
}
