using System.Buffers.Binary;
using System.IO.Hashing;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;
using MedCrypt.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MedCrypt.Domain.Tests;

public sealed class ImageCodecTests
{
    private readonly ImageCodec _codec = new();

    [Theory]
    [InlineData(PixelFormat.Gray8)]
    [InlineData(PixelFormat.Rgb24)]
    public void Png_round_trips_bit_for_bit(PixelFormat format)
    {
        var image = new PixelImage(37, 21, format);
        new Random(3).NextBytes(image.Pixels);

        PixelImage decoded = _codec.Decode(_codec.EncodePng(image), format);

        Assert.Equal(image.Pixels.ToArray(), decoded.Pixels.ToArray());
    }

    [Fact]
    public void Sixteen_bit_png_is_scaled_to_eight_bits()
    {
        using var image = new Image<L16>(20, 20);
        image[3, 4] = new L16(0xAB12);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);

        PixelImage decoded = _codec.Decode(stream.ToArray(), PixelFormat.Gray8);

        Assert.Equal((int)Math.Round(0xAB12 * 255.0 / 65535), decoded.Row(4)[3]);
        Assert.Equal(0, decoded.Row(0)[0]);
    }

    [Fact]
    public void Jpeg_decodes_and_resizes_to_the_requested_size()
    {
        using var image = new Image<Rgb24>(64, 48, new Rgb24(120, 120, 120));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);

        PixelImage decoded = _codec.Decode(stream.ToArray(), PixelFormat.Gray8, new Size(32, 32));

        Assert.Equal((32, 32), (decoded.Width, decoded.Height));
        Assert.All(decoded.Pixels.ToArray(), v => Assert.InRange(v, 115, 125));
    }

    [Fact]
    public void A_png_that_claims_60000_by_60000_is_refused_from_its_header()
    {
        byte[] bomb = PngHeaderOnly(60_000, 60_000);

        ImageRejectedException e = Assert.Throws<ImageRejectedException>(() => _codec.Decode(bomb, PixelFormat.Gray8));

        Assert.Contains("60000 × 60000", e.Message);
    }

    /// <summary>
    /// The security review's 20 KB PNG that decodes to 4096 × 4096: refused from its header, allocating almost
    /// nothing, where decoding it (the budget raised to let it through, as before the budget) allocates over 16 MB.
    /// </summary>
    [Fact]
    public void A_small_png_that_decodes_to_4096_by_4096_is_refused_from_its_header_by_the_pixel_budget()
    {
        byte[] png = OversizedPng.Create(4096, 4096);
        Assert.InRange(png.Length, 1, 32 * 1024);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ImageRejectedException e = Assert.Throws<ImageRejectedException>(() => _codec.Decode(png, PixelFormat.Gray8));
        long refusing = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(e.TooLarge);
        Assert.Contains("4096 × 4096", e.Message);
        Assert.Contains("at most 4.2 megapixels", e.Message);
        Assert.InRange(refusing, 0, 1_048_576);

        var unbounded = new ImageCodec(maxPixels: 4096L * 4096);
        before = GC.GetAllocatedBytesForCurrentThread();
        PixelImage decoded = unbounded.Decode(png, PixelFormat.Gray8);
        long decoding = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((4096, 4096), (decoded.Width, decoded.Height));
        Assert.True(decoding > 16 * refusing && decoding > 16_000_000, $"decoding allocated {decoding:N0} bytes, refusing {refusing:N0}");
        TestContext.Current.SendDiagnosticMessage($"4096 × 4096 PNG of {png.Length:N0} bytes: refused with {refusing:N0} bytes allocated; decoded with {decoding:N0}");
    }

    [Fact]
    public void The_pixel_budget_counts_width_times_height_and_is_configurable()
    {
        var codec = new ImageCodec(maxPixels: 64 * 64);

        PixelImage square = codec.Decode(_codec.EncodePng(Noise(64, 64)), PixelFormat.Gray8);
        Assert.Equal((64, 64), (square.Width, square.Height));
        ImageRejectedException e = Assert.Throws<ImageRejectedException>(() => codec.Decode(_codec.EncodePng(Noise(128, 40)), PixelFormat.Gray8));
        Assert.True(e.TooLarge);
        Assert.Contains("128 × 40", e.Message);
        Assert.Equal(ImageCodec.DefaultMaxPixels, new ImageCodec().MaxPixels);
        Assert.False(Assert.Throws<ImageRejectedException>(() => codec.Decode(_codec.EncodePng(Noise(8, 8)), PixelFormat.Gray8)).TooLarge);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("html")]
    [InlineData("svg")]
    [InlineData("truncated")]
    [InlineData("tiny")]
    public void Bad_uploads_get_a_readable_reason(string kind)
    {
        byte[] data = kind switch
        {
            "empty" => [],
            "html" => "<html><body>not an image</body></html>"u8.ToArray(),
            "svg" => "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(),
            "truncated" => _codec.EncodePng(Noise(64, 64))[..200],
            _ => _codec.EncodePng(new PixelImage(1, 1, PixelFormat.Gray8)),
        };

        ImageRejectedException e = Assert.Throws<ImageRejectedException>(() => _codec.Decode(data, PixelFormat.Gray8));

        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    private static PixelImage Noise(int width, int height)
    {
        var image = new PixelImage(width, height, PixelFormat.Gray8);
        new Random(5).NextBytes(image.Pixels);
        return image;
    }

    /// <summary>A PNG signature and a valid IHDR chunk declaring the given size, and nothing else.</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        var png = new List<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[17];
        "IHDR"u8.CopyTo(ihdr);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), height);
        ihdr[12] = 8; // bit depth; colour type 0 (gray), compression, filter, interlace 0
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, 13);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(ihdr));
        png.AddRange(length);
        png.AddRange(ihdr);
        png.AddRange(crc);
        return [.. png];
    }
}
