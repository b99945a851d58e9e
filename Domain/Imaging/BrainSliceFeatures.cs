using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging;

/// <summary>
/// What tells a brain MRI slice from other pictures, measured on the decoded upload before any preparation: a slice is
/// a gray head on a black background, so colour, a near-constant image, a background that is not black, or a
/// foreground that fills the frame or is not one compact blob give the others away.
/// </summary>
/// <param name="Saturation">Mean of max − min over R, G, B (0–255): 0 for gray scans, large for photographs and drawings.</param>
/// <param name="Contrast">Standard deviation of the gray image (0–255): near 0 for blank and near-blank images.</param>
/// <param name="HeadShare">Share of the image covered by <see cref="HeadMask"/>'s region.</param>
/// <param name="Solidity">The head region's area over its bounding box's: about π/4 for an oval head, low for text and line drawings.</param>
/// <param name="BorderShare">Share of the image's outermost pixels inside the head region: a head sits inside the frame.</param>
/// <param name="DarkShare">Share of pixels at most 12 (black background).</param>
/// <param name="BrightShare">Share of pixels at least 250: paper, screenshots and windowed X-rays are full of white; MRI has few.</param>
/// <param name="Smoothness">Correlation of horizontally adjacent pixels: about 0.9 for anatomy, near 0 for noise, lower for text.</param>
public readonly record struct BrainSliceFeatures(
    double Saturation, double Contrast, double HeadShare, double Solidity, double BorderShare, double DarkShare, double BrightShare, double Smoothness)
{
    private const byte Dark = 12;
    private const byte Bright = 250;

    /// <param name="gray">The upload decoded as <see cref="PixelFormat.Gray8"/>, as the analysis decodes it.</param>
    /// <param name="colour">The same upload decoded as <see cref="PixelFormat.Rgb24"/> (colour is gone once it is gray).</param>
    public static BrainSliceFeatures Measure(PixelImage gray, PixelImage colour)
    {
        ArgumentNullException.ThrowIfNull(gray);
        ArgumentNullException.ThrowIfNull(colour);
        if (gray.Format != PixelFormat.Gray8 || colour.Format != PixelFormat.Rgb24 || gray.Width != colour.Width || gray.Height != colour.Height)
        {
            throw new ArgumentException("The gate needs the same image as Gray8 and as Rgb24.", nameof(colour));
        }

        ReadOnlySpan<byte> rgb = colour.Pixels;
        long saturation = 0;
        for (int i = 0; i < rgb.Length; i += 3)
        {
            byte r = rgb[i], g = rgb[i + 1], b = rgb[i + 2];
            saturation += Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b));
        }

        ReadOnlySpan<byte> pixels = gray.Pixels;
        double sum = 0, sumSquares = 0;
        long dark = 0, bright = 0;
        foreach (byte v in pixels)
        {
            sum += v;
            sumSquares += v * v;
            dark += v <= Dark ? 1 : 0;
            bright += v >= Bright ? 1 : 0;
        }

        double n = pixels.Length;
        double mean = sum / n;
        double contrast = Math.Sqrt(Math.Max(0, (sumSquares / n) - (mean * mean)));

        int width = gray.Width, height = gray.Height;
        double products = 0;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = gray.Row(y);
            for (int x = 1; x < width; x++)
            {
                products += (row[x - 1] - mean) * (row[x] - mean);
            }
        }

        double variance = contrast * contrast;
        double smoothness = variance == 0 ? 1 : products / ((width - 1.0) * height * variance);
        bool[] head = HeadMask.Find(gray);
        long area = 0;
        int left = width, top = height, right = -1, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (head[(y * width) + x])
                {
                    area++;
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
            }
        }

        long border = 0;
        for (int x = 0; x < width; x++)
        {
            border += (head[x] ? 1 : 0) + (head[((height - 1) * width) + x] ? 1 : 0);
        }

        for (int y = 0; y < height; y++)
        {
            border += (head[y * width] ? 1 : 0) + (head[(y * width) + width - 1] ? 1 : 0);
        }

        double solidity = area == 0 ? 0 : area / (double)((right - left + 1L) * (bottom - top + 1L));
        return new BrainSliceFeatures(
            saturation / n, contrast, area / n, solidity, border / (2.0 * (width + height)), dark / n, bright / n, smoothness);
    }
}
