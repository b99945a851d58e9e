using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;

namespace MedCrypt.EndToEnd;

/// <summary>A generated stand-in for a brain MRI slice: an elliptical "head" on black with a brighter blob, as a PNG.</summary>
internal static class HeadPhantom
{
    public const int Width = 160;
    public const int Height = 128;

    public static byte[] Png()
    {
        var image = new PixelImage(Width, Height, PixelFormat.Gray8);
        for (int y = 0; y < Height; y++)
        {
            Span<byte> row = image.Row(y);
            for (int x = 0; x < Width; x++)
            {
                double u = (x - (Width / 2.0)) / 68.0, v = (y - (Height / 2.0)) / 56.0;
                double bu = (x - 104) / 12.0, bv = (y - 52) / 10.0;
                bool head = (u * u) + (v * v) <= 1, blob = (bu * bu) + (bv * bv) <= 1;
                // Some texture inside the head, so the scan is not flat after windowing.
                row[x] = (byte)(blob ? 235 : head ? 70 + ((x + (2 * y)) % 60) : 0);
            }
        }

        return new ImageCodec().EncodePng(image);
    }
}
