using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Crypto.Tests;

/// <summary>Bad input gets an ArgumentException (or NotSupportedException) that says what is wrong, never an IndexOutOfRange.</summary>
public sealed class InputValidationTests
{
    private static readonly SchemeCatalog Catalog = new();

    [Theory]
    [InlineData(0, 10, "empty")]
    [InlineData(10, 0, "empty")]
    [InlineData(20_000, 10, "largest side")]
    [InlineData(16_384, 16_384, "limit")]
    public void Image_sizes_out_of_range_are_refused(int width, int height, string expected)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new PixelImage(width, height, PixelFormat.Rgb24));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Buffer_of_the_wrong_length_and_unknown_pixel_format_are_refused()
    {
        Assert.Contains("needs 300 bytes", Assert.Throws<ArgumentException>(() => new PixelImage(10, 10, PixelFormat.Rgb24, new byte[299])).Message);
        Assert.Contains("Unsupported pixel format 4", Assert.Throws<ArgumentException>(() => new PixelImage(10, 10, (PixelFormat)4)).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void Keys_must_be_256_bits(int length)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => SecretKey.FromBytes(new byte[length]));
        Assert.Contains("32 bytes", e.Message);
    }

    [Fact]
    public void A_disposed_key_is_wiped_and_refuses_use_and_a_key_never_prints_its_bytes()
    {
        SecretKey key = SecretKey.Generate();
        Assert.Equal("SecretKey(256 bit)", key.ToString());
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Bytes.Length);
    }

    [Fact]
    public void Block_refuses_sizes_that_are_not_whole_blocks()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(
            () => Catalog.Get("block").Encrypt(new PixelImage(225, 224, PixelFormat.Gray8), SecretKey.Generate()));
        Assert.Contains("divisible by 4", e.Message);
    }

    [Fact]
    public void Colour_shuffling_refuses_gray_images()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(
            () => Catalog.Get("color-shuffle").Encrypt(new PixelImage(8, 8, PixelFormat.Gray8), SecretKey.Generate()));
        Assert.Contains("RGB", e.Message);
    }

    [Fact]
    public void Filters_cannot_be_decrypted()
    {
        ImageProtectionScheme median = Catalog.Get("median");
        ProtectedImage filtered = median.Encrypt(new PixelImage(8, 8, PixelFormat.Gray8), SecretKey.Generate());
        Assert.Throws<NotSupportedException>(() => median.Decrypt(filtered, SecretKey.Generate()));
    }

    [Fact]
    public void Wrong_nonce_length_destination_shape_shared_buffer_and_scheme_are_refused()
    {
        ImageProtectionScheme scheme = Catalog.Get("logistic-sine");
        using SecretKey key = SecretKey.Generate();
        var image = new PixelImage(8, 8, PixelFormat.Gray8);

        Assert.Contains("16-byte nonce", Assert.Throws<ArgumentException>(() => scheme.Encrypt(image, key, new byte[12], image.CreateLike())).Message);
        Assert.Contains("shape", Assert.Throws<ArgumentException>(() => scheme.Encrypt(image, key, new byte[16], new PixelImage(8, 9, PixelFormat.Gray8))).Message);
        Assert.Contains("buffer", Assert.Throws<ArgumentException>(() => scheme.Encrypt(image, key, new byte[16], image)).Message);
        Assert.Contains("'block'", Assert.Throws<ArgumentException>(() => scheme.Decrypt(Catalog.Get("block").Encrypt(image, key), key)).Message);
        Assert.Contains("Known schemes", Assert.Throws<ArgumentException>(() => Catalog.Get("rot13")).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    public void Block_sizes_out_of_range_are_refused(int blockSize) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SchemeCatalog(new SchemeOptions { BlockSize = blockSize }));

    [Theory]
    [InlineData(4)]
    [InlineData(1)]
    [InlineData(17)]
    public void Kernel_sizes_must_be_odd_and_in_range(int kernelSize) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SchemeCatalog(new SchemeOptions { FilterKernelSize = kernelSize }));
}
