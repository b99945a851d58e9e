namespace MedCrypt.Domain.Keys;

/// <summary>
/// The key-encryption key (KEK): kept outside the database (a key file, or a certificate's private key), it wraps
/// the small secrets the database stores — the key store's keys, Data Protection's key ring, authenticator secrets —
/// so a copy of the database alone opens none of them. Each <see cref="KeyEncryptionPurpose"/> gets key material of
/// its own; the associated data binds a wrapped secret to the record it belongs to.
/// </summary>
public interface IKeyEncryptionKey
{
    /// <summary>A public fingerprint of the KEK (never key material), to say which KEK stored data needs.</summary>
    string Id { get; }

    byte[] Wrap(string purpose, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData);

    /// <exception cref="System.Security.Cryptography.CryptographicException">Another KEK, purpose or associated data, or altered.</exception>
    byte[] Unwrap(string purpose, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData);
}
