using System.Security.Cryptography;
using MedCrypt.Crypto.Transfer;

namespace MedCrypt.Crypto.Tests;

/// <summary>
/// HPKE against RFC 9180's own test vector (Appendix A.3.1, the same KEM and KDF; its AEAD is AES-128-GCM, the one
/// difference from the shipped suite), key derivation included, and the attacks on what it seals: another recipient,
/// another info or associated data, a flipped bit, a swapped encapsulated key, a point off the curve.
/// </summary>
public sealed class HpkeTests
{
    private static readonly byte[] IkmE = Convert.FromHexString("4270e54ffd08d79d5928020af4686d8f6b7d35dbe470265f1f5aa22816ce860e");
    private static readonly byte[] IkmR = Convert.FromHexString("668b37171f1072f3cf12ea8a236a45df23fc13b82af3609ad1e354f6ef817550");
    private static readonly byte[] SkEm = Convert.FromHexString("4995788ef4b9d6132b249ce59a77281493eb39af373d236a1fe415cb0c2d7beb");
    private static readonly byte[] SkRm = Convert.FromHexString("f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2");
    private static readonly byte[] PkRm = Convert.FromHexString(
        "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0");
    private static readonly byte[] Enc = Convert.FromHexString(
        "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4");
    private static readonly byte[] Info = Convert.FromHexString("4f6465206f6e2061204772656369616e2055726e");
    private static readonly byte[] Pt = Convert.FromHexString("4265617574792069732074727574682c20747275746820626561757479");
    private static readonly byte[] Aad = Convert.FromHexString("436f756e742d30");
    private static readonly byte[] Ct = Convert.FromHexString("5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434");

    [Fact]
    public void Key_derivation_matches_RFC_9180()
    {
        Assert.Equal(SkEm, Hpke.DerivePrivateKey(IkmE));
        Assert.Equal(SkRm, Hpke.DerivePrivateKey(IkmR));
        Assert.Equal(PkRm, Hpke.PublicKeyOf(SkRm));
        Assert.Equal(Enc, Hpke.PublicKeyOf(SkEm));
    }

    [Fact]
    public void Seal_and_open_match_RFC_9180()
    {
        using ECDiffieHellman ephemeral = Hpke.Import(SkEm);
        var enc = new byte[Hpke.PublicKeySize];
        var ct = new byte[Hpke.GetCiphertextLength(Pt.Length)];
        Hpke.Seal(PkRm, Info, Aad, Pt, enc, ct, ephemeral, Hpke.AeadAes128Gcm);
        Assert.Equal(Enc, enc);
        Assert.Equal(Ct, ct);

        var pt = new byte[Pt.Length];
        Hpke.Open(SkRm, PkRm, Enc, Info, Aad, Ct, pt, Hpke.AeadAes128Gcm);
        Assert.Equal(Pt, pt);
    }

    [Fact]
    public void The_shipped_suite_opens_only_for_its_recipient_info_and_associated_data()
    {
        byte[] recipient = Hpke.DerivePrivateKey(RandomNumberGenerator.GetBytes(32));
        byte[] recipientPublic = Hpke.PublicKeyOf(recipient);
        byte[] other = Hpke.DerivePrivateKey(RandomNumberGenerator.GetBytes(32));
        var (enc, ct) = Seal(recipientPublic, Pt);
        var (enc2, ct2) = Seal(recipientPublic, Pt);
        Assert.NotEqual(enc, enc2); // a fresh ephemeral key per message: the same plaintext twice is unlinkable
        Assert.NotEqual(ct, ct2);

        var pt = new byte[Pt.Length];
        Hpke.Open(recipient, recipientPublic, enc, Info, Aad, ct, pt);
        Assert.Equal(Pt, pt);

        Assert.ThrowsAny<CryptographicException>(() => Hpke.Open(other, Hpke.PublicKeyOf(other), enc, Info, Aad, ct, new byte[Pt.Length]));
        Assert.ThrowsAny<CryptographicException>(() => Hpke.Open(recipient, recipientPublic, enc, "other"u8, Aad, ct, new byte[Pt.Length]));
        Assert.ThrowsAny<CryptographicException>(() => Hpke.Open(recipient, recipientPublic, enc, Info, "Count-1"u8, ct, new byte[Pt.Length]));
        Assert.ThrowsAny<CryptographicException>(() => Hpke.Open(recipient, recipientPublic, enc2, Info, Aad, ct, new byte[Pt.Length]));
        for (int i = 0; i < ct.Length; i += 7)
        {
            byte[] flipped = [.. ct];
            flipped[i] ^= 0x20;
            Assert.ThrowsAny<CryptographicException>(() => Hpke.Open(recipient, recipientPublic, enc, Info, Aad, flipped, new byte[Pt.Length]));
        }

        byte[] offCurve = [.. enc];
        offCurve[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => Hpke.Open(recipient, recipientPublic, offCurve, Info, Aad, ct, new byte[Pt.Length]));
        Assert.ThrowsAny<CryptographicException>(() => Hpke.Open(recipient, recipientPublic, enc, Info, Aad, ct[..^1], new byte[Pt.Length - 1]));
    }

    [Fact]
    public void A_signature_verifies_only_for_its_key_and_data()
    {
        byte[] signer = Hpke.DerivePrivateKey(RandomNumberGenerator.GetBytes(32));
        byte[] signerPublic = PackageSignature.PublicKeyOf(signer);
        byte[] signature = PackageSignature.Sign(signer, Pt);

        Assert.Equal(PackageSignature.Size, signature.Length);
        Assert.True(PackageSignature.Verify(signerPublic, Pt, signature));
        Assert.False(PackageSignature.Verify(PkRm, Pt, signature));
        Assert.False(PackageSignature.Verify(signerPublic, Aad, signature));
        signature[5] ^= 1;
        Assert.False(PackageSignature.Verify(signerPublic, Pt, signature));
        Assert.False(PackageSignature.Verify(signerPublic[..64], Pt, signature));
        byte[] offCurve = [.. signerPublic];
        offCurve[^1] ^= 1;
        Assert.False(PackageSignature.Verify(offCurve, Pt, PackageSignature.Sign(signer, Pt)));
    }

    private static (byte[] Enc, byte[] Ct) Seal(byte[] recipientPublic, byte[] plaintext)
    {
        var enc = new byte[Hpke.PublicKeySize];
        var ct = new byte[Hpke.GetCiphertextLength(plaintext.Length)];
        Hpke.Seal(recipientPublic, Info, Aad, plaintext, enc, ct);
        return (enc, ct);
    }
}
