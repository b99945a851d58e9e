using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging;

/// <summary>
/// Makes a brain MRI slice from any scanner look like the next one before a model sees it: crop to the head,
/// pad to a square (never stretch), scale intensities between robust percentiles inside the head, resize.
/// The one implementation for training and for the portal: the training set is exported through it
/// (models/training/export), so the two cannot drift. Deterministic: the same slice gives the same bytes.
/// </summary>
public sealed class ScanPreparation(ImageCodec codec)
{
    /// <summary>Share of the head's bounding box added on every side, so the skull's edge is kept.</summary>
    private const double Margin = 0.04;

    private const double LowPercentile = 0.01;
    private const double HighPercentile = 0.99;

    public PixelImage Prepare(PixelImage slice, int size)
    {
        ArgumentNullException.ThrowIfNull(slice);
        if (slice.Format != PixelFormat.Gray8)
        {
            throw new ArgumentException("Scan preparation works on grayscale slices; decode with PixelFormat.Gray8.", nameof(slice));
        }

        bool[] head = HeadMask.Find(slice);
        (int left, int top, int right, int bottom) = BoundingBox(head, slice.Width, slice.Height);
        PixelImage windowed = Window(slice, head);
        PixelImage square = CropToSquare(windowed, left, top, right, bottom);
        return codec.Resize(square, size, size);
    }

    /// <summary>Maps the head's 1st–99th percentile to 0–255 (the background below it stays black), so contrast and brightness settings of the scanner drop out.</summary>
    private static PixelImage Window(PixelImage slice, bool[] head)
    {
        var histogram = new long[256];
        long count = 0;
        ReadOnlySpan<byte> pixels = slice.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            if (head[i])
            {
                histogram[pixels[i]]++;
                count++;
            }
        }

        int low = Percentile(histogram, count, LowPercentile);
        int high = Math.Max(Percentile(histogram, count, HighPercentile), low + 1);
        Span<byte> lookup = stackalloc byte[256];
        for (int v = 0; v < 256; v++)
        {
            lookup[v] = (byte)Math.Clamp(((v - low) * 255 + ((high - low) / 2)) / (high - low), 0, 255);
        }

        PixelImage windowed = slice.CreateLike();
        Span<byte> output = windowed.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            output[i] = lookup[pixels[i]];
        }

        return windowed;
    }

    private static int Percentile(long[] histogram, long count, double fraction)
    {
        long target = (long)Math.Ceiling(fraction * count);
        long seen = 0;
        for (int v = 0; v < histogram.Length; v++)
        {
            seen += histogram[v];
            if (seen >= target && seen > 0)
            {
                return v;
            }
        }

        return 255;
    }

    private static (int Left, int Top, int Right, int Bottom) BoundingBox(bool[] mask, int width, int height)
    {
        int left = width, top = height, right = -1, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (mask[(y * width) + x])
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
            }
        }

        if (right < 0)
        {
            return (0, 0, width - 1, height - 1); // nothing stands out: keep the whole slice
        }

        int marginX = (int)Math.Round((right - left + 1) * Margin);
        int marginY = (int)Math.Round((bottom - top + 1) * Margin);
        return (Math.Max(0, left - marginX), Math.Max(0, top - marginY), Math.Min(width - 1, right + marginX), Math.Min(height - 1, bottom + marginY));
    }

    /// <summary>Crops the box and centres it on a black square as wide as its longer side.</summary>
    private static PixelImage CropToSquare(PixelImage image, int left, int top, int right, int bottom)
    {
        int width = right - left + 1;
        int height = bottom - top + 1;
        int side = Math.Max(width, height);
        var square = new PixelImage(side, side, PixelFormat.Gray8);
        int offsetX = (side - width) / 2;
        int offsetY = (side - height) / 2;
        for (int y = 0; y < height; y++)
        {
            image.Row(top + y).Slice(left, width).CopyTo(square.Row(offsetY + y)[offsetX..]);
        }

        return square;
    }
}
