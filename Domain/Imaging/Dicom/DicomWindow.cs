using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// Modality values to Gray8 for the models and the viewer: the frame's 0.5–99.9 % percentiles to 0–255, so a few dozen
/// hot pixels do not leave the brain dark. The file's own window (centre/width) is deliberately not applied: it is a
/// display preference of whoever saved the file, different at every hospital and PACS, and one that clipped the
/// brightest tenth of the head (where a FLAIR lesion lies) cost the screen 7 points of FLAIR sensitivity (model card,
/// "The file's window"). The verdict depends on the pixels alone, and the doctors' window/level has the whole range.
/// MONOCHROME1 (zero is white) is inverted last.
/// </summary>
public static class DicomWindow
{
    public const double LowPercentile = 0.005;
    public const double HighPercentile = 0.999;

    public static PixelImage ToGray8(double[] values, int width, int height, bool inverted)
    {
        ArgumentNullException.ThrowIfNull(values);
        var image = new PixelImage(width, height, PixelFormat.Gray8);
        Span<byte> pixels = image.Pixels;
        double[] sorted = [.. values];
        Array.Sort(sorted);
        double low = sorted[(int)Math.Floor(LowPercentile * (sorted.Length - 1))];
        double high = sorted[(int)Math.Ceiling(HighPercentile * (sorted.Length - 1))];
        double range = high - low;
        for (int i = 0; i < values.Length; i++)
        {
            byte y = range <= 0 ? (byte)0 : (byte)Math.Clamp(Math.Round((values[i] - low) / range * 255, MidpointRounding.AwayFromZero), 0, 255);
            pixels[i] = inverted ? (byte)(255 - y) : y;
        }

        return image;
    }
}
