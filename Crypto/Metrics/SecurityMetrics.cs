using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Crypto.Metrics;

/// <summary>
/// The standard measures of an image cipher, over all channels' bytes: NPCR and UACI (percent), Shannon
/// entropy (bits per byte), adjacent-pixel correlation, histogram, PSNR (dB), and key / plaintext sensitivity.
/// </summary>
public static class SecurityMetrics
{
    public static SecurityReport Measure(PixelImage original, PixelImage protectedImage) => new(
        Npcr(original, protectedImage),
        Uaci(original, protectedImage),
        Entropy(protectedImage),
        Correlation(protectedImage, AdjacentDirection.Horizontal),
        Correlation(protectedImage, AdjacentDirection.Vertical),
        Correlation(protectedImage, AdjacentDirection.Diagonal),
        Psnr(original, protectedImage),
        Histogram(protectedImage));

    /// <summary>Number of pixel change rate: the percentage of bytes that differ.</summary>
    public static double Npcr(PixelImage a, PixelImage b)
    {
        EnsureSameShape(a, b);
        ReadOnlySpan<byte> x = a.Pixels;
        ReadOnlySpan<byte> y = b.Pixels;
        long differing = 0;
        for (int i = 0; i < x.Length; i++)
        {
            differing += x[i] != y[i] ? 1 : 0;
        }

        return 100.0 * differing / x.Length;
    }

    /// <summary>Unified average changing intensity: mean |a − b| / 255, in percent.</summary>
    public static double Uaci(PixelImage a, PixelImage b)
    {
        EnsureSameShape(a, b);
        ReadOnlySpan<byte> x = a.Pixels;
        ReadOnlySpan<byte> y = b.Pixels;
        long sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Abs(x[i] - y[i]);
        }

        return 100.0 * sum / (255.0 * x.Length);
    }

    /// <summary>Shannon entropy of the byte histogram, in bits (8 for a perfectly flat histogram).</summary>
    public static double Entropy(PixelImage image)
    {
        long[] histogram = Histogram(image);
        double total = image.ByteCount;
        double entropy = 0;
        foreach (long count in histogram)
        {
            if (count > 0)
            {
                double p = count / total;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }

    /// <summary>Counts of each byte value; all channels together, or only <paramref name="channel"/>.</summary>
    public static long[] Histogram(PixelImage image, int? channel = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (channel is { } c && (c < 0 || c >= image.Channels))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"The image has {image.Channels} channel(s).");
        }

        var histogram = new long[256];
        ReadOnlySpan<byte> pixels = image.Pixels;
        int start = channel ?? 0;
        int step = channel is null ? 1 : image.Channels;
        for (int i = start; i < pixels.Length; i += step)
        {
            histogram[pixels[i]]++;
        }

        return histogram;
    }

    /// <summary>
    /// Pearson correlation of every value with its neighbour in the same channel, in one direction;
    /// NaN when either side has no variance (a flat image).
    /// </summary>
    public static double Correlation(PixelImage image, AdjacentDirection direction)
    {
        ArgumentNullException.ThrowIfNull(image);
        (int dx, int dy) = direction switch
        {
            AdjacentDirection.Horizontal => (1, 0),
            AdjacentDirection.Vertical => (0, 1),
            AdjacentDirection.Diagonal => (1, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown direction."),
        };

        int channels = image.Channels;
        var sums = new PearsonSums();
        for (int y = 0; y + dy < image.Height; y++)
        {
            int count = (image.Width - dx) * channels;
            sums.Add(image.Row(y)[..count], image.Row(y + dy).Slice(dx * channels, count));
        }

        return sums.Correlation;
    }

    /// <summary>
    /// Pearson correlation between two images of the same shape, value by value (all channels): how much of one
    /// image a reconstruction recovers, or how alike two protections of one image are; NaN when either is flat.
    /// </summary>
    public static double Pearson(PixelImage a, PixelImage b)
    {
        EnsureSameShape(a, b);
        var sums = new PearsonSums();
        sums.Add(a.Pixels, b.Pixels);
        return sums.Correlation;
    }

    /// <summary>The running sums of Pearson's r over pairs of byte values, exact in integers; NaN when either side is flat.</summary>
    private struct PearsonSums
    {
        private long _n, _sumA, _sumB, _sumAa, _sumBb, _sumAb;

        public readonly double Correlation
        {
            get
            {
                double covariance = ((double)_n * _sumAb) - ((double)_sumA * _sumB);
                double varianceA = ((double)_n * _sumAa) - ((double)_sumA * _sumA);
                double varianceB = ((double)_n * _sumBb) - ((double)_sumB * _sumB);
                return varianceA <= 0 || varianceB <= 0 ? double.NaN : covariance / Math.Sqrt(varianceA * varianceB);
            }
        }

        public void Add(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            for (int i = 0; i < a.Length; i++)
            {
                int u = a[i];
                int v = b[i];
                _sumA += u;
                _sumB += v;
                _sumAa += u * u;
                _sumBb += v * v;
                _sumAb += u * v;
            }

            _n += a.Length;
        }
    }

    /// <summary>Peak signal-to-noise ratio in dB; +∞ for identical images.</summary>
    public static double Psnr(PixelImage reference, PixelImage other)
    {
        EnsureSameShape(reference, other);
        ReadOnlySpan<byte> x = reference.Pixels;
        ReadOnlySpan<byte> y = other.Pixels;
        long squared = 0;
        for (int i = 0; i < x.Length; i++)
        {
            int d = x[i] - y[i];
            squared += d * d;
        }

        return squared == 0 ? double.PositiveInfinity : 10.0 * Math.Log10(255.0 * 255.0 * x.Length / squared);
    }

    /// <summary>NPCR between the encryptions of one image under a key and under the key with bit <paramref name="bitIndex"/> flipped (same nonce).</summary>
    public static double KeySensitivity(ImageProtectionScheme scheme, PixelImage image, SecretKey key, ReadOnlySpan<byte> nonce, int bitIndex)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(bitIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bitIndex, SecretKey.SizeInBytes * 8);
        byte[] flipped = key.Bytes.ToArray();
        flipped[bitIndex / 8] ^= (byte)(1 << (bitIndex % 8));
        using SecretKey neighbour = SecretKey.FromBytes(flipped);
        Array.Clear(flipped);

        PixelImage first = image.CreateLike();
        PixelImage second = image.CreateLike();
        scheme.Encrypt(image, key, nonce, first);
        scheme.Encrypt(image, neighbour, nonce, second);
        return Npcr(first, second);
    }

    /// <summary>
    /// The differential-attack measure: NPCR and UACI between the encryptions (same key and nonce) of an image
    /// and of a copy with one byte changed by +1 (mod 256), at pixel (<paramref name="x"/>, <paramref name="y"/>), channel 0.
    /// </summary>
    public static (double Npcr, double Uaci) PlaintextSensitivity(
        ImageProtectionScheme scheme, PixelImage image, SecretKey key, ReadOnlySpan<byte> nonce, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, image.Width);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, image.Height);
        PixelImage changed = image.Clone();
        changed.Row(y)[x * image.Channels]++;

        PixelImage first = image.CreateLike();
        PixelImage second = image.CreateLike();
        scheme.Encrypt(image, key, nonce, first);
        scheme.Encrypt(changed, key, nonce, second);
        return (Npcr(first, second), Uaci(first, second));
    }

    private static void EnsureSameShape(PixelImage a, PixelImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.HasSameShape(b))
        {
            throw new ArgumentException($"Both images must have the same shape; got {a} and {b}.");
        }
    }
}
