using MedCrypt.Crypto.Images;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Studies;

/// <summary>
/// An occlusion map as an RGB image in the "hot" colour scale: black (no effect) through red and yellow to white (the
/// largest fall of tumor probability). Drawn with a screen blend over the protected image, black leaves it unchanged.
/// </summary>
public static class HeatMapImage
{
    public static PixelImage Render(OcclusionMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var image = new PixelImage(map.Size, map.Size, PixelFormat.Rgb24);
        Span<byte> pixels = image.Pixels;
        for (int i = 0; i < map.Values.Length; i++)
        {
            float v = Math.Clamp(map.Values[i], 0f, 1f);
            pixels[3 * i] = Channel(3 * v);
            pixels[(3 * i) + 1] = Channel((3 * v) - 1);
            pixels[(3 * i) + 2] = Channel((3 * v) - 2);
        }

        return image;
    }

    private static byte Channel(float x) => (byte)MathF.Round(255 * Math.Clamp(x, 0f, 1f));
}
