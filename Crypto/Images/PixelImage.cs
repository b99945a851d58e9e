namespace MedCrypt.Crypto.Images;

/// <summary>
/// An 8-bit image as one interleaved buffer: <see cref="Height"/> rows of <see cref="RowBytes"/> bytes,
/// no padding. The image wraps the array it is given (no copy), so a caller can hand in pooled memory.
/// </summary>
public sealed class PixelImage
{
    /// <summary>Largest accepted width or height.</summary>
    public const int MaxSide = 16_384;

    /// <summary>Largest accepted buffer (64 MiB: a 4,096 × 4,096 RGB image fits).</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    private readonly byte[] _pixels;

    /// <summary>A new zeroed image.</summary>
    public PixelImage(int width, int height, PixelFormat format)
        : this(width, height, format, pixels: null)
    {
    }

    /// <summary>An image over <paramref name="pixels"/>, which must hold exactly width × height × channels bytes.</summary>
    public PixelImage(int width, int height, PixelFormat format, byte[]? pixels)
    {
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentException(
                $"Unsupported pixel format {(int)format}: MedCrypt works on 8-bit grayscale (Gray8) or RGB (Rgb24) images.",
                nameof(format));
        }

        if (width < 1 || height < 1)
        {
            throw new ArgumentException($"The image is empty ({width} × {height} pixels): it needs at least one pixel.");
        }

        if (width > MaxSide || height > MaxSide)
        {
            throw new ArgumentException(
                $"The image is {width} × {height} pixels; the largest side accepted is {MaxSide} pixels.");
        }

        long byteCount = (long)width * height * (int)format;
        if (byteCount > MaxBytes)
        {
            throw new ArgumentException(
                $"The image needs {byteCount:N0} bytes ({width} × {height} × {(int)format}); the limit is {MaxBytes:N0} bytes.");
        }

        if (pixels is not null && pixels.Length != byteCount)
        {
            throw new ArgumentException(
                $"A {width} × {height} {format} image needs {byteCount:N0} bytes, but the buffer holds {pixels.Length:N0}.",
                nameof(pixels));
        }

        Width = width;
        Height = height;
        Format = format;
        _pixels = pixels ?? new byte[byteCount];
    }

    public int Width { get; }

    public int Height { get; }

    public PixelFormat Format { get; }

    public int Channels => (int)Format;

    public int RowBytes => Width * Channels;

    public int PixelCount => Width * Height;

    public int ByteCount => _pixels.Length;

    /// <summary>All rows, top to bottom, channels interleaved.</summary>
    public Span<byte> Pixels => _pixels;

    public Span<byte> Row(int y) => _pixels.AsSpan(y * RowBytes, RowBytes);

    /// <summary>A new image of the same shape, zeroed.</summary>
    public PixelImage CreateLike() => new(Width, Height, Format);

    public PixelImage Clone() => new(Width, Height, Format, (byte[])_pixels.Clone());

    public bool HasSameShape(PixelImage other) =>
        Width == other.Width && Height == other.Height && Format == other.Format;

    /// <summary>True when both images view the same memory (so one cannot be the other's destination).</summary>
    public bool SharesBufferWith(PixelImage other) => ReferenceEquals(_pixels, other._pixels);

    public override string ToString() => $"{Width}×{Height} {Format}";
}
