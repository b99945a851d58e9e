using System.Security.Cryptography;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Crypto.Tests;

/// <summary>
/// Pins every scheme's output: a fixed key, nonce and formula image must give this SHA-256 on every machine.
/// A change here means stored ciphertexts would no longer decrypt: bump the scheme's version instead.
/// tests/reference/logistic_sine_reference.py and pixel_shuffle_reference.py, written apart in Python, give the same
/// logistic-sine and pixel-shuffle hashes.
/// </summary>
public sealed class KnownAnswerTests
{
    private static readonly SchemeCatalog Catalog = new();

    [Theory]
    [InlineData("pixel-shuffle", PixelFormat.Gray8, "09af3892da633bfa4e6e56a6abfa91e49915382601ebd6fee9fee54ce1fbcc27")]
    [InlineData("pixel-shuffle", PixelFormat.Rgb24, "ee5f1d06b6f48398fcfff20e711b418077221acd0fcfac3d74098cd66964e856")]
    [InlineData("logistic-sine", PixelFormat.Gray8, "eff2a482ab65260a76f3bae6eeef967f841578a6d507e258b585680cc9e4f092")]
    [InlineData("logistic-sine", PixelFormat.Rgb24, "f491ca754d1aa776a99db99b24f7cb6301a1da0d6f8b3111ba262fe55b612276")]
    [InlineData("block", PixelFormat.Gray8, "266db77ef5ad1163a621200fb309a0a30a2e19e43386499aee01ac2c31b7ee97")]
    [InlineData("block", PixelFormat.Rgb24, "592aedd9033b60c58f8f3ea0d550a7851c9c501a9ac19ebb600693718980c1df")]
    [InlineData("negative-positive", PixelFormat.Gray8, "1f9daa62884a042fd3b776ec851fe230d632278bbf2be5cac898f31f8dc5ea7b")]
    [InlineData("negative-positive", PixelFormat.Rgb24, "9482344931db27d557c4bfedd0a5b8e1287c21cb988447bde7d496aab1b74e13")]
    [InlineData("color-shuffle", PixelFormat.Rgb24, "2c8ea781dbd91c03085cac727efc1236e68e012c03194f008f7568529e2ec8b9")]
    [InlineData("median", PixelFormat.Rgb24, "0ad46762033cda746014408e4d3825e8dd6eb8a3015177d739e2c89b0f5e2a1a")]
    [InlineData("mean", PixelFormat.Rgb24, "9b267e2ebe63f09c30db153612b4f7ab1a31cd55662ab6acd10eb44080a94bd0")]
    [InlineData("max", PixelFormat.Rgb24, "69eda86e287c9396464d19a2e08ca13c630184d580dd9ff3c3fa88ba4d6783b7")]
    [InlineData("min", PixelFormat.Rgb24, "4971219671ad2476402fb4e2b17ce9d06b22ca63af074f804a3601b91c1bfaec")]
    [InlineData("block-smoothing", PixelFormat.Rgb24, "c8ad3f349c348836926fc55c66efde4bc042dfa9a0b0ef187142b4f0856c1324")]
    public void Ciphertext_matches_the_stored_hash(string schemeId, PixelFormat format, string expectedSha256)
    {
        ImageProtectionScheme scheme = Catalog.Get(schemeId);
        using SecretKey key = SecretKey.FromBytes(TestImages.Bytes(32, start: 1));
        byte[] nonce = TestImages.Bytes(scheme.NonceSize, start: 101);
        PixelImage plain = TestImages.Formula(68, 52, format);
        PixelImage encrypted = plain.CreateLike();

        scheme.Encrypt(plain, key, nonce, encrypted);

        Assert.Equal(expectedSha256, Convert.ToHexStringLower(SHA256.HashData(encrypted.Pixels)));
    }
}
