using System.Security.Cryptography;

namespace MedCrypt.Crypto.Transfer;

/// <summary>
/// ECDSA on P-256 with SHA-256 (FIPS 186-5), keys as <see cref="Hpke"/> holds them (a 32-byte scalar, a 65-byte
/// uncompressed point), signatures as r ‖ s (64 bytes, IEEE P1363). Signing keys are kept apart from key-agreement
/// keys: one key never does both.
/// </summary>
public static class PackageSignature
{
    public const int Size = 64;

    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> data)
    {
        using ECDsa key = Import(privateKey);
        return key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>False for a wrong signature, a signature of the wrong length, or a public key that is not a P-256 point.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Size)
        {
            return false;
        }

        try
        {
            using var key = ECDsa.Create(Hpke.PublicParameters(publicKey));
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false; // not a P-256 point
        }
    }

    /// <summary>The public point (65 bytes) of a signing key.</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        using ECDsa key = Import(privateKey);
        return Hpke.Serialize(key.ExportParameters(false).Q);
    }

    private static ECDsa Import(ReadOnlySpan<byte> privateKey) => ECDsa.Create(Hpke.PrivateParameters(privateKey));
}
