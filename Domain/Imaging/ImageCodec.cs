using System.Runtime.InteropServices;
using MedCrypt.Crypto.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MedCrypt.Domain.Imaging;

/// <summary>
/// Turns uploaded bytes into pixels and pixels into PNG. It sniffs the real format (PNG, 8- or 16-bit, and JPEG
/// only) and reads the declared size before decoding a single pixel, so a small file that claims 60,000 × 60,000
/// is refused without allocating for it. A pixel budget (width × height, from the header too) bounds what one upload
/// can cost: a 26 KB PNG that declares 4096 × 4096 decodes to 16.8 million pixels, about 2.6 s of CPU and 180 MB
/// through the analysis; at the default budget of 2048 × 2048 no upload costs more than about 1 s and 50 MB.
/// </summary>
public sealed class ImageCodec
{
    public const int DefaultMaxSide = 4096;
    public const int DefaultMinSide = 16;

    /// <summary>
    /// 2048 × 2048 = 4,194,304 pixels. A brain MR slice is acquired at 256 × 256 to 512 × 512 and reconstructed at
    /// most at 1024 × 1024; a screenshot of a viewer is about 2 megapixels. Four megapixels is every real slice with room
    /// to spare, and a quarter of what the 4096-pixel side limit alone would let through.
    /// </summary>
    public const long DefaultMaxPixels = 2048L * 2048;

    public ImageCodec(int minSide = DefaultMinSide, int maxSide = DefaultMaxSide, long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minSide, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSide, PixelImage.MaxSide);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, (long)minSide * minSide);
        MinSide = minSide;
        MaxSide = maxSide;
        MaxPixels = maxPixels;
    }

    /// <summary>
    /// For what the portal stored itself (originals and protected images, each checked when it was uploaded): no upload
    /// budget, only the pixel buffer's own limits, so lowering the budget later never makes a stored study unreadable.
    /// </summary>
    public static ImageCodec ForStoredImages { get; } = new(minSide: 1, maxSide: PixelImage.MaxSide, maxPixels: (long)PixelImage.MaxSide * PixelImage.MaxSide);

    public int MinSide { get; }

    public int MaxSide { get; }

    /// <summary>The most pixels (width × height) an upload may declare; checked from the header, before decoding.</summary>
    public long MaxPixels { get; }

    /// <summary>Decodes into <paramref name="format"/>, resized (bicubic) to <paramref name="resizeTo"/> when given.</summary>
    public PixelImage Decode(ReadOnlySpan<byte> data, PixelFormat format, Size? resizeTo = null)
    {
        if (data.IsEmpty)
        {
            throw new ImageRejectedException("The file is empty.");
        }

        ImageInfo info;
        try
        {
            var detected = Image.DetectFormat(data);
            if (detected is not PngFormat and not JpegFormat)
            {
                throw new ImageRejectedException($"The file is {detected.Name}; MedCrypt takes PNG or JPEG images.");
            }

            if (detected is JpegFormat && !EndsWithEndOfImage(data))
            {
                // ImageSharp decodes a cut-off JPEG and fills the missing part with gray: refuse it rather than analyse half a scan.
                throw new ImageRejectedException("The JPEG file is truncated: it has no end-of-image marker.");
            }

            info = Image.Identify(data);
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw new ImageRejectedException("The file is not a PNG or JPEG image, or its header is damaged.", e);
        }

        if (info.Width < MinSide || info.Height < MinSide || info.Width > MaxSide || info.Height > MaxSide)
        {
            throw new ImageRejectedException(
                $"The image is {info.Width} × {info.Height} pixels; MedCrypt takes {MinSide} to {MaxSide} pixels a side.")
            { TooLarge = info.Width > MaxSide || info.Height > MaxSide };
        }

        if ((long)info.Width * info.Height > MaxPixels)
        {
            throw new ImageRejectedException(
                $"The image is {info.Width} × {info.Height} pixels ({Megapixels(info.Width * (long)info.Height)} megapixels); MedCrypt analyses at most " +
                $"{Megapixels(MaxPixels)} megapixels a scan. Export the slice at its native size (an MR slice is usually 256 × 256 to 1024 × 1024).")
            { TooLarge = true };
        }

        try
        {
            return format == PixelFormat.Gray8 ? Copy<L8>(data, format, resizeTo) : Copy<Rgb24>(data, format, resizeTo);
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw new ImageRejectedException("The image data is damaged or truncated and cannot be decoded.", e);
        }
    }

    /// <summary>A bicubic resize of a gray image (the models' input is prepared at a fixed size).</summary>
    public PixelImage Resize(PixelImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Format != PixelFormat.Gray8)
        {
            throw new ArgumentException("Resize takes grayscale images.", nameof(image));
        }

        using var working = Image.LoadPixelData<L8>(image.Pixels, image.Width, image.Height);
        working.Mutate(i => i.Resize(new Size(width, height), KnownResamplers.Bicubic, compand: false));
        var resized = new PixelImage(width, height, PixelFormat.Gray8);
        working.CopyPixelDataTo(resized.Pixels);
        return resized;
    }

    public byte[] EncodePng(PixelImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var stream = new MemoryStream();
        if (image.Format == PixelFormat.Gray8)
        {
            using var png = Image.LoadPixelData<L8>(image.Pixels, image.Width, image.Height);
            png.SaveAsPng(stream);
        }
        else
        {
            using var png = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);
            png.SaveAsPng(stream);
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Whether a decoder's exception means the bytes are bad. The decoders parse untrusted input and do not only throw
    /// their own exceptions on it (the fuzz test found a NullReferenceException in ImageSharp 4.1's JPEG header
    /// reader), so every failure but running out of memory or being cancelled is the file's fault.
    /// </summary>
    private static bool IsDamage(Exception e) => e is not (ImageRejectedException or OutOfMemoryException or OperationCanceledException);

    private static string Megapixels(long pixels) => (pixels / 1e6).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A complete JPEG ends with the EOI marker (FF D9), possibly followed by zero padding.</summary>
    private static bool EndsWithEndOfImage(ReadOnlySpan<byte> data)
    {
        data = data.TrimEnd((byte)0);
        return data.Length >= 4 && data[^2] == 0xFF && data[^1] == 0xD9;
    }

    private static PixelImage Copy<TPixel>(ReadOnlySpan<byte> data, PixelFormat format, Size? resizeTo)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using Image<TPixel> decoded = Image.Load<TPixel>(data);
        if (resizeTo is { } size)
        {
            decoded.Mutate(image => image.Resize(size, KnownResamplers.Bicubic, compand: false));
        }

        var pixels = new PixelImage(decoded.Width, decoded.Height, format);
        decoded.CopyPixelDataTo(MemoryMarshal.Cast<byte, TPixel>(pixels.Pixels));
        return pixels;
    }
}
