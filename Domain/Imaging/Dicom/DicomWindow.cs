using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// Modality values to Gray8 for display and the models: the file's own window (centre/width, the first of several;
/// DICOM PS3.3 C.11.2.1.2 linear function) where it has one, else the 0.5–99.5 % percentiles of the frame, so a few
/// hot pixels do not leave the brain dark. MONOCHROME1 (zero is white) is inverted last.
/// </summary>
public static class DicomWindow
{
    public const double LowPercentile = 0.005;
    public const double HighPercentile = 0.995;

    public static PixelImage ToGray8(double[] values, int width, int height, double? centre, double? windowWidth, bool inverted)
    {
        ArgumentNullException.ThrowIfNull(values);
        var image = new PixelImage(width, height, PixelFormat.Gray8);
        Span<byte> pixels = image.Pixels;
        if (centre is { } c && windowWidth is { } w && w >= 1)
        {
            double low = c - 0.5 - ((w - 1) / 2), high = c - 0.5 + ((w - 1) / 2);
            for (int i = 0; i < values.Length; i++)
            {
                double x = values[i];
                double y = x <= low ? 0 : x > high ? 255 : (((x - (c - 0.5)) / (w - 1)) + 0.5) * 255;
                pixels[i] = Clamp(y);
            }
        }
        else
        {
            double[] sorted = [.. values];
            Array.Sort(sorted);
            double low = sorted[(int)Math.Floor(LowPercentile * (sorted.Length - 1))];
            double high = sorted[(int)Math.Ceiling(HighPercentile * (sorted.Length - 1))];
            double range = high - low;
            for (int i = 0; i < values.Length; i++)
            {
                pixels[i] = range <= 0 ? (byte)0 : Clamp((values[i] - low) / range * 255);
            }
        }

        if (inverted)
        {
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)(255 - pixels[i]);
            }
        }

        return image;
    }

    private static byte Clamp(double y) => (byte)Math.Clamp(Math.Round(y, MidpointRounding.AwayFromZero), 0, 255);
}
