using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Metrics;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Crypto.Tests;

public sealed class SchemeKeyingTests
{
    private static readonly SchemeCatalog Catalog = new();

    public static TheoryData<string> KeyedSchemes() => new(Catalog.All.Where(s => s.IsInvertible).Select(s => s.Id));

    [Theory]
    [MemberData(nameof(KeyedSchemes))]
    public void Different_keys_give_different_ciphertexts_and_a_wrong_key_does_not_decrypt(string schemeId)
    {
        ImageProtectionScheme scheme = Catalog.Get(schemeId);
        PixelImage plain = TestImages.HeadPhantom(64, 64, PixelFormat.Rgb24);
        using SecretKey key = SecretKey.Generate();
        using SecretKey otherKey = SecretKey.Generate();
        byte[] nonce = new byte[scheme.NonceSize];

        PixelImage a = plain.CreateLike(), b = plain.CreateLike(), wrong = plain.CreateLike();
        scheme.Encrypt(plain, key, nonce, a);
        scheme.Encrypt(plain, otherKey, nonce, b);
        scheme.Decrypt(a, otherKey, nonce, wrong);

        Assert.True(SecurityMetrics.Npcr(a, b) > 30, $"{schemeId}: two keys gave {SecurityMetrics.Npcr(a, b):F1} % differing bytes");
        Assert.True(SecurityMetrics.Npcr(plain, wrong) > 30, $"{schemeId}: the wrong key recovered most of the image");
    }

    [Fact]
    public void Logistic_sine_gives_two_encryptions_of_one_image_unrelated_ciphertexts()
    {
        ImageProtectionScheme scheme = Catalog.Get("logistic-sine");
        PixelImage plain = TestImages.HeadPhantom(128, 128);
        using SecretKey key = SecretKey.Generate();

        ProtectedImage first = scheme.Encrypt(plain, key);
        ProtectedImage second = scheme.Encrypt(plain, key);

        Assert.Equal(16, first.Nonce.Length);
        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.True(SecurityMetrics.Npcr(first.Pixels, second.Pixels) > 99.0);
        Assert.InRange(SecurityMetrics.Uaci(first.Pixels, second.Pixels), 32.5, 34.5);
    }

    [Fact]
    public void Logistic_sine_with_the_wrong_nonce_does_not_decrypt()
    {
        ImageProtectionScheme scheme = Catalog.Get("logistic-sine");
        PixelImage plain = TestImages.HeadPhantom(64, 64);
        using SecretKey key = SecretKey.Generate();
        ProtectedImage encrypted = scheme.Encrypt(plain, key);
        byte[] otherNonce = (byte[])encrypted.Nonce.Clone();
        otherNonce[0] ^= 1;

        PixelImage wrong = plain.CreateLike();
        scheme.Decrypt(encrypted.Pixels, key, otherNonce, wrong);

        Assert.True(SecurityMetrics.Npcr(plain, wrong) > 99.0);
    }

    [Fact]
    public void Block_wise_schemes_are_deterministic_per_key()
    {
        using SecretKey key = SecretKey.Generate();
        PixelImage plain = TestImages.HeadPhantom(32, 32, PixelFormat.Rgb24);
        foreach (ImageProtectionScheme scheme in Catalog.All.Where(s => s.NonceSize == 0))
        {
            Assert.Equal(scheme.Encrypt(plain, key).Pixels.Pixels.ToArray(), scheme.Encrypt(plain, key).Pixels.Pixels.ToArray());
        }
    }

    [Fact]
    public void Pixel_shuffle_draws_a_fresh_map_for_every_image_and_the_same_map_for_the_same_nonce()
    {
        var scheme = (Schemes.Shuffle.PixelShuffleScheme)Catalog.Get("pixel-shuffle");
        using SecretKey key = SecretKey.Generate();
        PixelImage plain = TestImages.HeadPhantom(128, 128);

        ProtectedImage first = scheme.Encrypt(plain, key);
        ProtectedImage second = scheme.Encrypt(plain, key);
        var a = scheme.GetImageMap(key, first.Nonce, 128, 128, 1);
        var again = scheme.GetImageMap(key, first.Nonce, 128, 128, 1);
        var b = scheme.GetImageMap(key, second.Nonce, 128, 128, 1);

        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.Equal(a.Source.ToArray(), again.Source.ToArray());
        Assert.Equal(a.XorMask.ToArray(), again.XorMask.ToArray());
        // Two images' maps agree on about 1 index in n (n = 16,384) and 1 mask byte in 256, as independent draws do.
        int sameSource = 0, sameMask = 0;
        for (int j = 0; j < a.Length; j++)
        {
            sameSource += a.Source[j] == b.Source[j] ? 1 : 0;
            sameMask += a.XorMask[j] == b.XorMask[j] ? 1 : 0;
        }

        Assert.InRange(sameSource, 0, 10);
        Assert.InRange(sameMask / (double)a.Length, 0.5 / 256, 2.0 / 256);
        Assert.True(SecurityMetrics.Npcr(first.Pixels, second.Pixels) > 40, "the same slice protected twice must not look alike");
    }

    [Fact]
    public void Pixel_shuffle_with_the_wrong_nonce_does_not_decrypt()
    {
        ImageProtectionScheme scheme = Catalog.Get("pixel-shuffle");
        PixelImage plain = TestImages.Random(64, 64, PixelFormat.Gray8, seed: 3);
        using SecretKey key = SecretKey.Generate();
        ProtectedImage encrypted = scheme.Encrypt(plain, key);
        byte[] otherNonce = (byte[])encrypted.Nonce.Clone();
        otherNonce[^1] ^= 1;

        PixelImage wrong = plain.CreateLike();
        scheme.Decrypt(encrypted.Pixels, key, otherNonce, wrong);

        Assert.True(SecurityMetrics.Npcr(plain, wrong) > 99.0);
    }

    [Fact]
    public void Pixel_shuffle_leaves_no_histogram_a_dark_and_a_bright_slice_protect_alike()
    {
        // What a classifier on protected images alone used against an earlier version: the value histogram.
        ImageProtectionScheme scheme = Catalog.Get("pixel-shuffle");
        using SecretKey key = SecretKey.Generate();
        PixelImage dark = TestImages.HeadPhantom(128, 128);
        PixelImage bright = dark.CreateLike();
        for (int i = 0; i < bright.ByteCount; i++)
        {
            bright.Pixels[i] = (byte)Math.Min(255, 60 + (2 * dark.Pixels[i]));
        }

        foreach (PixelImage plain in new[] { dark, bright })
        {
            PixelImage protectedPixels = scheme.Encrypt(plain, key).Pixels;
            double mean = 0;
            var counts = new int[256];
            foreach (byte v in protectedPixels.Pixels)
            {
                mean += v;
                counts[v]++;
            }

            mean /= protectedPixels.ByteCount;
            double expected = protectedPixels.ByteCount / 256.0;
            double chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
            Assert.InRange(mean, 125.5, 129.5); // uniform: 127.5 ± 4 standard errors
            Assert.True(chiSquare < 340, $"χ² = {chiSquare:F0} over 255 degrees of freedom: the histogram is not flat"); // p ≈ 0.0003
        }
    }
}
