using System.Buffers;
using System.Runtime.Intrinsics;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes.Filters;

/// <summary>
/// A k×k neighbourhood filter, per channel, with edges replicated. Keyless and lossy: it obfuscates fine
/// detail while a classifier still reads the image, with some loss. Each output byte reduces the k² bytes
/// around it; 32 bytes at a time as vectors, byte by byte only on rows narrower than one vector.
/// </summary>
public abstract class NeighbourhoodFilterScheme : ImageProtectionScheme
{
    public const int DefaultKernelSize = 5;
    public const int MaxKernelSize = 15;

    protected NeighbourhoodFilterScheme(int kernelSize)
    {
        if (kernelSize < 3 || kernelSize > MaxKernelSize || kernelSize % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(kernelSize), kernelSize, $"The kernel size must be odd, from 3 to {MaxKernelSize}.");
        }

        KernelSize = kernelSize;
    }

    public int KernelSize { get; }

    public override bool IsInvertible => false;

    public override bool IsModelReadable => true;

    public override ProtectionKind Kind => ProtectionKind.Filter;

    /// <summary>Reduces a window of k² vectors (row by row) to one; it may reorder <paramref name="window"/>.</summary>
    protected abstract Vector256<byte> Reduce(Span<Vector256<byte>> window);

    /// <summary>Reduces a window of k² bytes (row by row) to one; it may reorder <paramref name="window"/>.</summary>
    protected abstract byte Reduce(Span<byte> window);

    protected override void EncryptCore(PixelImage plain, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination)
    {
        int radius = KernelSize / 2;
        int channels = plain.Channels;
        int paddedRowBytes = (plain.Width + (2 * radius)) * channels;
        int paddedRows = plain.Height + (2 * radius);
        byte[] padded = ArrayPool<byte>.Shared.Rent(paddedRowBytes * paddedRows);
        try
        {
            Pad(plain, radius, padded.AsSpan(0, paddedRowBytes * paddedRows), paddedRowBytes);
            Span<Vector256<byte>> vectorWindow = stackalloc Vector256<byte>[KernelSize * KernelSize];
            Span<byte> byteWindow = stackalloc byte[KernelSize * KernelSize];
            for (int y = 0; y < plain.Height; y++)
            {
                ReadOnlySpan<byte> rows = padded.AsSpan(y * paddedRowBytes, KernelSize * paddedRowBytes);
                Span<byte> output = destination.Row(y);
                if (output.Length >= Vector256<byte>.Count)
                {
                    FilterRow(rows, paddedRowBytes, channels, output, vectorWindow);
                }
                else
                {
                    FilterRow(rows, paddedRowBytes, channels, output, byteWindow);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(padded, clearArray: true); // it held patient pixels
        }
    }

    private void FilterRow(ReadOnlySpan<byte> rows, int paddedRowBytes, int channels, Span<byte> output, Span<Vector256<byte>> window)
    {
        int last = output.Length - Vector256<byte>.Count;
        for (int x = 0; ; x = Math.Min(x + Vector256<byte>.Count, last))
        {
            int w = 0;
            for (int dy = 0; dy < KernelSize; dy++)
            {
                ReadOnlySpan<byte> row = rows.Slice(dy * paddedRowBytes, paddedRowBytes);
                for (int dx = 0; dx < KernelSize; dx++)
                {
                    window[w++] = Vector256.Create(row.Slice(x + (dx * channels), Vector256<byte>.Count));
                }
            }

            // The last vector may overlap the one before: it recomputes the same bytes.
            Reduce(window).CopyTo(output[x..]);
            if (x == last)
            {
                return;
            }
        }
    }

    private void FilterRow(ReadOnlySpan<byte> rows, int paddedRowBytes, int channels, Span<byte> output, Span<byte> window)
    {
        for (int x = 0; x < output.Length; x++)
        {
            int w = 0;
            for (int dy = 0; dy < KernelSize; dy++)
            {
                for (int dx = 0; dx < KernelSize; dx++)
                {
                    window[w++] = rows[(dy * paddedRowBytes) + x + (dx * channels)];
                }
            }

            output[x] = Reduce(window);
        }
    }

    /// <summary>Copies the image into <paramref name="padded"/> with a border of <paramref name="radius"/> replicated edge pixels.</summary>
    private static void Pad(PixelImage image, int radius, Span<byte> padded, int paddedRowBytes)
    {
        int channels = image.Channels;
        for (int py = 0; py < image.Height + (2 * radius); py++)
        {
            ReadOnlySpan<byte> source = image.Row(Math.Clamp(py - radius, 0, image.Height - 1));
            Span<byte> row = padded.Slice(py * paddedRowBytes, paddedRowBytes);
            source.CopyTo(row[(radius * channels)..]);
            for (int i = 0; i < radius; i++)
            {
                source[..channels].CopyTo(row[(i * channels)..]);
                source[^channels..].CopyTo(row[((radius + image.Width + i) * channels)..]);
            }
        }
    }
}
