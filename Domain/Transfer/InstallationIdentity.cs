using System.Security.Cryptography;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Transfer;

namespace MedCrypt.Domain.Transfer;

/// <summary>
/// This installation as other hospitals know it: a key-agreement key pair (packages are encrypted to it) and a
/// signing key pair (its packages are signed with it), both derived with HKDF-SHA256 and RFC 9180's DeriveKeyPair
/// from one 256-bit secret in the key store (KEK-wrapped, like every key there), so no private key is stored apart.
/// </summary>
public sealed class InstallationIdentity
{
    private readonly byte[] _agreement;
    private readonly byte[] _signing;

    private InstallationIdentity(string name, byte[] agreement, byte[] signing)
    {
        _agreement = agreement;
        _signing = signing;
        Card = new InstitutionCard(name, Hpke.PublicKeyOf(agreement), PackageSignature.PublicKeyOf(signing));
    }

    /// <summary>What this installation hands to the hospitals it exchanges studies with.</summary>
    public InstitutionCard Card { get; }

    public static InstallationIdentity Derive(string name, SecretKey secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return new InstallationIdentity(name, DeriveScalar(secret, "medcrypt/v1/transfer/agreement"u8), DeriveScalar(secret, "medcrypt/v1/transfer/signing"u8));
    }

    public byte[] Sign(ReadOnlySpan<byte> data) => PackageSignature.Sign(_signing, data);

    /// <exception cref="CryptographicException">Not encrypted to this installation, or altered.</exception>
    public void Open(ReadOnlySpan<byte> encapsulatedKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext) =>
        Hpke.Open(_agreement, Card.AgreementKey, encapsulatedKey, info, associatedData, ciphertext, plaintext);

    private static byte[] DeriveScalar(SecretKey secret, ReadOnlySpan<byte> purpose)
    {
        Span<byte> ikm = stackalloc byte[32];
        HKDF.Expand(HashAlgorithmName.SHA256, secret.Bytes, ikm, purpose);
        try
        {
            return Hpke.DerivePrivateKey(ikm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }
}
