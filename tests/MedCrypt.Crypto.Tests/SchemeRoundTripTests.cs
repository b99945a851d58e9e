using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Crypto.Tests;

public sealed class SchemeRoundTripTests
{
    private static readonly SchemeCatalog Catalog = new();

    // Sizes divisible by the block size (4) for 'block'; the others take any size, odd ones too.
    private static readonly (int W, int H)[] BlockSizes = [(4, 4), (8, 12), (36, 20), (64, 64), (132, 100)];
    private static readonly (int W, int H)[] AnySizes = [(1, 1), (3, 5), (7, 1), (1, 9), (31, 17), (33, 33), (129, 67)];

    public static TheoryData<string, PixelFormat, int, int> Cases()
    {
        var data = new TheoryData<string, PixelFormat, int, int>();
        foreach (ImageProtectionScheme scheme in Catalog.All.Where(s => s.IsInvertible))
        {
            foreach (PixelFormat format in Enum.GetValues<PixelFormat>())
            {
                if (scheme.Id == "color-shuffle" && format == PixelFormat.Gray8)
                {
                    continue; // rejected on purpose: see ColorShuffleRejectsGray
                }

                foreach ((int w, int h) in scheme.Id == "block" ? BlockSizes : BlockSizes.Concat(AnySizes))
                {
                    data.Add(scheme.Id, format, w, h);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decrypt_restores_every_byte(string schemeId, PixelFormat format, int width, int height)
    {
        ImageProtectionScheme scheme = Catalog.Get(schemeId);
        using SecretKey key = SecretKey.Generate();
        PixelImage plain = TestImages.Random(width, height, format, seed: width * 1000 + height);

        ProtectedImage protectedImage = scheme.Encrypt(plain, key);
        PixelImage decrypted = scheme.Decrypt(protectedImage, key);

        Assert.Equal(plain.Pixels.ToArray(), decrypted.Pixels.ToArray());
        if (plain.ByteCount >= 64)
        {
            Assert.NotEqual(plain.Pixels.ToArray(), protectedImage.Pixels.Pixels.ToArray());
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Logistic_sine_round_trips_with_more_rounds(int rounds)
    {
        var scheme = new Crypto.Schemes.Chaos.LogisticSineScheme(rounds);
        using SecretKey key = SecretKey.Generate();
        PixelImage plain = TestImages.HeadPhantom(97, 61, PixelFormat.Rgb24);

        Assert.Equal(plain.Pixels.ToArray(), scheme.Decrypt(scheme.Encrypt(plain, key), key).Pixels.ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(16)]
    public void Block_schemes_round_trip_for_every_block_size(int blockSize)
    {
        var catalog = new SchemeCatalog(new SchemeOptions { BlockSize = blockSize });
        using SecretKey key = SecretKey.Generate();
        PixelImage plain = TestImages.Random(blockSize * 5, blockSize * 3, PixelFormat.Rgb24, seed: blockSize);
        foreach (string id in new[] { "block", "negative-positive", "color-shuffle" })
        {
            ImageProtectionScheme scheme = catalog.Get(id);
            Assert.Equal(plain.Pixels.ToArray(), scheme.Decrypt(scheme.Encrypt(plain, key), key).Pixels.ToArray());
        }
    }
}
