using MedCrypt.Crypto.Images;

namespace MedCrypt.Crypto.Tests;

/// <summary>Images made in code: a Shepp–Logan head phantom with noise, random images, and formula images for known answers.</summary>
internal static class TestImages
{
    // Modified Shepp–Logan: (intensity, semi-axis a, semi-axis b, centre x, centre y, rotation in degrees).
    private static readonly (double I, double A, double B, double X, double Y, double Phi)[] Ellipses =
    [
        (1.0, 0.69, 0.92, 0, 0, 0),
        (-0.8, 0.6624, 0.874, 0, -0.0184, 0),
        (-0.2, 0.11, 0.31, 0.22, 0, -18),
        (-0.2, 0.16, 0.41, -0.22, 0, 18),
        (0.1, 0.21, 0.25, 0, 0.35, 0),
        (0.1, 0.046, 0.046, 0, 0.1, 0),
        (0.1, 0.046, 0.046, 0, -0.1, 0),
        (0.1, 0.046, 0.023, -0.08, -0.605, 0),
        (0.1, 0.023, 0.023, 0, -0.606, 0),
        (0.1, 0.023, 0.046, 0.06, -0.605, 0),
    ];

    /// <summary>A head phantom scaled to 0–255 with Gaussian-like noise (σ ≈ <paramref name="noise"/>), gray or RGB (tinted per channel).</summary>
    public static PixelImage HeadPhantom(int width, int height, PixelFormat format = PixelFormat.Gray8, int seed = 1, double noise = 4)
    {
        var random = new Random(seed);
        var image = new PixelImage(width, height, format);
        int channels = image.Channels;
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = image.Row(y);
            double v = 1 - (2.0 * (y + 0.5) / height);
            for (int x = 0; x < width; x++)
            {
                double u = (2.0 * (x + 0.5) / width) - 1;
                double value = 0;
                foreach (var e in Ellipses)
                {
                    double phi = e.Phi * Math.PI / 180;
                    double du = u - e.X, dv = v - e.Y;
                    double ru = (du * Math.Cos(phi)) + (dv * Math.Sin(phi));
                    double rv = (-du * Math.Sin(phi)) + (dv * Math.Cos(phi));
                    if (((ru * ru) / (e.A * e.A)) + ((rv * rv) / (e.B * e.B)) <= 1)
                    {
                        value += e.I;
                    }
                }

                for (int c = 0; c < channels; c++)
                {
                    // Sum of three uniforms: roughly Gaussian noise.
                    double n = (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2 * noise;
                    double tint = 1 - (0.1 * c);
                    row[(x * channels) + c] = (byte)Math.Clamp(Math.Round((value * 200 * tint) + 20 + n), 0, 255);
                }
            }
        }

        return image;
    }

    public static PixelImage Random(int width, int height, PixelFormat format, int seed)
    {
        var image = new PixelImage(width, height, format);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    /// <summary>A formula image, independent of any library's random generator, for known-answer tests.</summary>
    public static PixelImage Formula(int width, int height, PixelFormat format)
    {
        var image = new PixelImage(width, height, format);
        Span<byte> pixels = image.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            int x = i / image.Channels % width, y = i / image.RowBytes, c = i % image.Channels;
            pixels[i] = (byte)((x * 7) + (y * 13) + ((x * y) % 17) + (c * 85));
        }

        return image;
    }

    public static byte[] Bytes(int count, byte start) => Enumerable.Range(0, count).Select(i => (byte)(start + i)).ToArray();
}
