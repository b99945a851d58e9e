using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MedCrypt.Crypto.Transfer;

/// <summary>
/// HPKE (RFC 9180) in base mode, single shot: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 and AES-256-GCM (suite 0x0010,
/// 0x0001, 0x0002). Encrypts to a recipient's public key with a fresh ephemeral key per message, so the one message
/// under each derived key uses the base nonce. Base mode does not authenticate the sender: a transfer package is
/// signed besides (<see cref="PackageSignature"/>). Keys are raw: a private key is its 32-byte scalar, a public key
/// its 65-byte uncompressed point (SEC 1), as the RFC serialises them.
/// </summary>
public static class Hpke
{
    public const int PublicKeySize = 65;
    public const int PrivateKeySize = 32;
    public const int TagSize = 16;

    internal const ushort KemP256 = 0x0010, KdfHkdfSha256 = 0x0001, AeadAes128Gcm = 0x0001, AeadAes256Gcm = 0x0002;

    private const int NonceSize = 12;
    private static ReadOnlySpan<byte> Version => "HPKE-v1"u8;

    // The order n of P-256, big-endian: a derived scalar must lie in [1, n - 1].
    private static ReadOnlySpan<byte> Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];

    public static int GetCiphertextLength(int plaintextLength) => checked(plaintextLength + TagSize);

    /// <summary>Encrypts <paramref name="plaintext"/> to the recipient; writes the encapsulated key (65 bytes) and ciphertext ‖ tag.</summary>
    public static void Seal(
        ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext,
        Span<byte> encapsulatedKey, Span<byte> ciphertext)
    {
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Seal(recipientPublicKey, info, associatedData, plaintext, encapsulatedKey, ciphertext, ephemeral, AeadAes256Gcm);
    }

    /// <summary>Decrypts what <see cref="Seal(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, Span{byte})"/> made.</summary>
    /// <exception cref="CryptographicException">Another recipient, info or associated data, or altered.</exception>
    public static void Open(
        ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> encapsulatedKey, ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext) =>
        Open(recipientPrivateKey, recipientPublicKey, encapsulatedKey, info, associatedData, ciphertext, plaintext, AeadAes256Gcm);

    /// <summary>RFC 9180 DeriveKeyPair for DHKEM(P-256): a private scalar from input keying material (at least 32 bytes of it secret).</summary>
    public static byte[] DerivePrivateKey(ReadOnlySpan<byte> inputKeyingMaterial)
    {
        Span<byte> suite = stackalloc byte[5];
        KemSuite(suite);
        Span<byte> prk = stackalloc byte[32];
        LabeledExtract([], suite, "dkp_prk"u8, inputKeyingMaterial, prk);
        var scalar = new byte[PrivateKeySize];
        for (int counter = 0; counter < 256; counter++)
        {
            LabeledExpand(prk, suite, "candidate"u8, [(byte)counter], scalar);
            if (scalar.AsSpan().IndexOfAnyExcept((byte)0) >= 0 && scalar.AsSpan().SequenceCompareTo(Order) < 0)
            {
                CryptographicOperations.ZeroMemory(prk);
                return scalar;
            }
        }

        throw new CryptographicException("No P-256 private key could be derived.");
    }

    /// <summary>The public point (65 bytes, uncompressed) of a private scalar.</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        using ECDiffieHellman key = Import(privateKey);
        return Serialize(key.ExportParameters(false).Q);
    }

    /// <summary>Whether the bytes are an uncompressed point on P-256 (what a public key must be here).</summary>
    public static bool IsPublicKey(ReadOnlySpan<byte> publicKey)
    {
        try
        {
            using ECDiffieHellman _ = ImportPublic(publicKey);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    internal static void Seal(
        ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext,
        Span<byte> encapsulatedKey, Span<byte> ciphertext, ECDiffieHellman ephemeral, ushort aead)
    {
        if (encapsulatedKey.Length != PublicKeySize || ciphertext.Length != GetCiphertextLength(plaintext.Length))
        {
            throw new ArgumentException($"The encapsulated key takes {PublicKeySize} bytes and the ciphertext {GetCiphertextLength(plaintext.Length)}.");
        }

        using ECDiffieHellman recipient = ImportPublic(recipientPublicKey);
        Serialize(ephemeral.ExportParameters(false).Q).CopyTo(encapsulatedKey);
        byte[] dh = ephemeral.DeriveRawSecretAgreement(recipient.PublicKey);
        Span<byte> key = stackalloc byte[KeySize(aead)];
        Span<byte> nonce = stackalloc byte[NonceSize];
        try
        {
            KeySchedule(dh, encapsulatedKey, recipientPublicKey, info, aead, key, nonce);
            using var gcm = new AesGcm(key, TagSize);
            gcm.Encrypt(nonce, plaintext, ciphertext[..plaintext.Length], ciphertext[plaintext.Length..], associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dh);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    internal static void Open(
        ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> encapsulatedKey, ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, ushort aead)
    {
        if (encapsulatedKey.Length != PublicKeySize || ciphertext.Length < TagSize || plaintext.Length != ciphertext.Length - TagSize)
        {
            throw new CryptographicException("The encapsulated key or the ciphertext has the wrong length.");
        }

        using ECDiffieHellman recipient = Import(recipientPrivateKey);
        using ECDiffieHellman sender = ImportPublic(encapsulatedKey);
        byte[] dh = recipient.DeriveRawSecretAgreement(sender.PublicKey);
        Span<byte> key = stackalloc byte[KeySize(aead)];
        Span<byte> nonce = stackalloc byte[NonceSize];
        try
        {
            KeySchedule(dh, encapsulatedKey, recipientPublicKey, info, aead, key, nonce);
            using var gcm = new AesGcm(key, TagSize);
            gcm.Decrypt(nonce, ciphertext[..plaintext.Length], ciphertext[plaintext.Length..], plaintext, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dh);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    internal static ECDiffieHellman Import(ReadOnlySpan<byte> privateKey)
    {
        var key = ECDiffieHellman.Create();
        key.ImportParameters(PrivateParameters(privateKey));
        return key;
    }

    /// <summary>An uncompressed point on P-256; anything else (another curve, a point off the curve) is refused here.</summary>
    internal static ECDiffieHellman ImportPublic(ReadOnlySpan<byte> publicKey)
    {
        var key = ECDiffieHellman.Create();
        key.ImportParameters(PublicParameters(publicKey));
        return key;
    }

    /// <summary>A P-256 private key as .NET imports it (its public point is computed on import).</summary>
    internal static ECParameters PrivateParameters(ReadOnlySpan<byte> privateKey) => privateKey.Length == PrivateKeySize
        ? new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateKey.ToArray() }
        : throw new CryptographicException($"A P-256 private key is {PrivateKeySize} bytes.");

    /// <summary>A P-256 public key as .NET imports it (the import checks that the point is on the curve).</summary>
    internal static ECParameters PublicParameters(ReadOnlySpan<byte> publicKey) => publicKey.Length == PublicKeySize && publicKey[0] == 0x04
        ? new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = publicKey[1..33].ToArray(), Y = publicKey[33..].ToArray() } }
        : throw new CryptographicException($"A P-256 public key is {PublicKeySize} bytes, an uncompressed point (0x04 ‖ x ‖ y).");

    internal static byte[] Serialize(ECPoint q)
    {
        var point = new byte[PublicKeySize];
        point[0] = 0x04;
        (q.X ?? throw new CryptographicException("The key has no public point.")).CopyTo(point, 1);
        (q.Y ?? throw new CryptographicException("The key has no public point.")).CopyTo(point, 33);
        return point;
    }

    private static int KeySize(ushort aead) => aead == AeadAes128Gcm ? 16 : 32;

    /// <summary>ExtractAndExpand of the KEM, then the base-mode key schedule (no PSK): the AEAD key and base nonce.</summary>
    private static void KeySchedule(
        ReadOnlySpan<byte> dh, ReadOnlySpan<byte> encapsulatedKey, ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ushort aead,
        Span<byte> key, Span<byte> nonce)
    {
        Span<byte> kem = stackalloc byte[5];
        KemSuite(kem);
        Span<byte> prk = stackalloc byte[32];
        Span<byte> sharedSecret = stackalloc byte[32];
        Span<byte> kemContext = stackalloc byte[2 * PublicKeySize];
        encapsulatedKey.CopyTo(kemContext);
        recipientPublicKey.CopyTo(kemContext[PublicKeySize..]);
        LabeledExtract([], kem, "eae_prk"u8, dh, prk);
        LabeledExpand(prk, kem, "shared_secret"u8, kemContext, sharedSecret);

        Span<byte> suite = stackalloc byte[10];
        "HPKE"u8.CopyTo(suite);
        BinaryPrimitives.WriteUInt16BigEndian(suite[4..], KemP256);
        BinaryPrimitives.WriteUInt16BigEndian(suite[6..], KdfHkdfSha256);
        BinaryPrimitives.WriteUInt16BigEndian(suite[8..], aead);
        Span<byte> context = stackalloc byte[1 + 32 + 32]; // mode_base ‖ psk_id_hash ‖ info_hash
        context[0] = 0x00;
        LabeledExtract([], suite, "psk_id_hash"u8, [], context.Slice(1, 32));
        LabeledExtract([], suite, "info_hash"u8, info, context.Slice(33, 32));
        LabeledExtract(sharedSecret, suite, "secret"u8, [], prk);
        LabeledExpand(prk, suite, "key"u8, context, key);
        LabeledExpand(prk, suite, "base_nonce"u8, context, nonce);
        CryptographicOperations.ZeroMemory(prk);
        CryptographicOperations.ZeroMemory(sharedSecret);
    }

    private static void KemSuite(Span<byte> suite)
    {
        "KEM"u8.CopyTo(suite);
        BinaryPrimitives.WriteUInt16BigEndian(suite[3..], KemP256);
    }

    private static void LabeledExtract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> suite, ReadOnlySpan<byte> label, ReadOnlySpan<byte> ikm, Span<byte> prk)
    {
        byte[] labeled = [.. Version, .. suite, .. label, .. ikm];
        HKDF.Extract(HashAlgorithmName.SHA256, labeled, salt, prk);
        CryptographicOperations.ZeroMemory(labeled);
    }

    private static void LabeledExpand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> suite, ReadOnlySpan<byte> label, ReadOnlySpan<byte> info, Span<byte> output)
    {
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)output.Length);
        byte[] labeled = [.. length, .. Version, .. suite, .. label, .. info];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, labeled);
    }
}
