using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging;

/// <summary>Conversions between the working pixel formats.</summary>
public static class PixelConversions
{
    /// <summary>A gray slice as RGB with three equal channels (for schemes that need colour channels).</summary>
    public static PixelImage GrayToRgb(PixelImage gray)
    {
        ArgumentNullException.ThrowIfNull(gray);
        var rgb = new PixelImage(gray.Width, gray.Height, PixelFormat.Rgb24);
        ReadOnlySpan<byte> source = gray.Pixels;
        Span<byte> target = rgb.Pixels;
        for (int i = 0; i < source.Length; i++)
        {
            target[3 * i] = target[(3 * i) + 1] = target[(3 * i) + 2] = source[i];
        }

        return rgb;
    }
}
