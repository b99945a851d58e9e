using System.Buffers;
using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// Modality values to Gray8 for the models and the viewer: the frame's 0.5–99.9 % percentiles to 0–255, so up to 0.1 %
/// of a frame's pixels (65 of 256 × 256) can be hot without leaving the brain dark; what lies outside is clipped, and a
/// doctor's window/level works within it. The file's own window (centre/width) is deliberately not applied: it is a
/// display choice of whoever saved the file, different at every hospital and PACS, and one that whitened the brightest
/// tenth of the head (where a FLAIR lesion lies) cost the screen 6.7 points of FLAIR sensitivity (model card, "The
/// file's window"). MONOCHROME1 (zero is white) is inverted last.
/// </summary>
public static class DicomWindow
{
    public const double LowPercentile = 0.005;
    public const double HighPercentile = 0.999;

    /// <summary>Bins of the percentile histogram: a 16-bit frame's stored values, each in a bin of its own.</summary>
    private const int Bins = 65_536;

    public static PixelImage ToGray8(double[] values, int width, int height, bool inverted)
    {
        ArgumentNullException.ThrowIfNull(values);
        var image = new PixelImage(width, height, PixelFormat.Gray8);
        Span<byte> pixels = image.Pixels;
        (double low, double high) = Range(values);
        double range = high - low;
        for (int i = 0; i < values.Length; i++)
        {
            byte y = range <= 0 ? (byte)0 : (byte)Math.Clamp(Math.Round((values[i] - low) / range * 255, MidpointRounding.AwayFromZero), 0, 255);
            pixels[i] = inverted ? (byte)(255 - y) : y;
        }

        return image;
    }

    /// <summary>The percentiles, or the minimum and maximum where they coincide (a frame whose signal is under 0.1 % of it).</summary>
    private static (double Low, double High) Range(double[] values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        if (!(max > min))
        {
            return (min, max);
        }

        int lowRank = (int)Math.Floor(LowPercentile * (values.Length - 1)), highRank = (int)Math.Ceiling(HighPercentile * (values.Length - 1));
        (double low, double high) = Ranks(values, min, max, lowRank, highRank);
        return high > low ? (low, high) : (min, max);
    }

    /// <summary>
    /// The values of two ranks in O(n): the values are a ≤ 16-bit frame's stored integers through slope and intercept,
    /// so 65,536 bins over min..max hold one distinct value each; should two ever share a bin, a sort decides.
    /// </summary>
    private static (double Low, double High) Ranks(double[] values, double min, double max, int lowRank, int highRank)
    {
        // Bins / range, not (Bins - 1) / range: neighbouring values of a full 16-bit span then lie more than one bin apart.
        double scale = Bins / (max - min);
        if (!double.IsFinite(scale))
        {
            return Sorted(values, lowRank, highRank); // a range under 1e-304 (a crafted rescale slope)
        }

        // 768 KB a frame, so rented: a series of hundreds of frames would otherwise churn the large-object heap. Returned
        // cleared, so no patient's pixel values stay in the shared pool for the next renter.
        int[] counts = ArrayPool<int>.Shared.Rent(Bins);
        double[] binValue = ArrayPool<double>.Shared.Rent(Bins);
        try
        {
            Array.Clear(counts, 0, Bins); // the shared pool may hand out an array another caller returned uncleared
            return Walk(values, (min, max), scale, (lowRank, highRank), counts, binValue) ?? Sorted(values, lowRank, highRank);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts, clearArray: true);
            ArrayPool<double>.Shared.Return(binValue, clearArray: true);
        }
    }

    /// <summary>The two ranks' values from the histogram, or null where two distinct values share a bin.</summary>
    private static (double Low, double High)? Walk(double[] values, (double Min, double Max) span, double scale, (int Low, int High) ranks, int[] counts, double[] binValue)
    {
        (double min, double max) = span;
        (int lowRank, int highRank) = ranks;
        foreach (double v in values)
        {
            int bin = Math.Min((int)((v - min) * scale), Bins - 1);
            if (counts[bin]++ > 0 && binValue[bin] != v)
            {
                return null;
            }

            binValue[bin] = v;
        }

        double low = min, high = max;
        long seen = 0;
        for (int bin = 0; bin < Bins; bin++)
        {
            if (counts[bin] == 0)
            {
                continue;
            }

            if (seen <= lowRank && lowRank < seen + counts[bin])
            {
                low = binValue[bin];
            }

            if (seen <= highRank && highRank < seen + counts[bin])
            {
                high = binValue[bin];
                break;
            }

            seen += counts[bin];
        }

        return (low, high);
    }

    private static (double Low, double High) Sorted(double[] values, int lowRank, int highRank)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        return (sorted[lowRank], sorted[highRank]);
    }
}
