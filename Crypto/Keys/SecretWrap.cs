using System.Security.Cryptography;

namespace MedCrypt.Crypto.Keys;

/// <summary>
/// AES-256-GCM wrapping of small secrets (keys, authenticator seeds, key-ring XML) under a key-encryption key, in
/// the style of <see cref="AesGcm"/>: key, associated data and destination explicit, a fresh random nonce per wrap.
/// The wrapping key's public id is in the header, so a store can say which key it needs; the header is
/// authenticated with the caller's associated data, so neither can be changed without the unwrap failing.
/// </summary>
/// <remarks>
/// Layout, version 1: <c>"MCW" 0x01 | key id (8) | nonce (12) | tag (16) | ciphertext (= secret length)</c>.
/// </remarks>
public static class SecretWrap
{
    public const byte Version = 1;
    public const int KeyIdSize = 8;
    public const int KeySize = 32;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeyIdOffset = 4;
    private const int NonceOffset = KeyIdOffset + KeyIdSize;
    private const int TagOffset = NonceOffset + NonceSize;
    private const int HeaderSize = TagOffset + TagSize;
    private static ReadOnlySpan<byte> Magic => "MCW"u8;

    public static int GetWrappedLength(int secretLength) => checked(HeaderSize + secretLength);

    public static int GetSecretLength(ReadOnlySpan<byte> wrapped) => wrapped.Length - Parse(wrapped);

    /// <summary>Whether <paramref name="data"/> starts like a wrapped secret of this version (says nothing of its authenticity).</summary>
    public static bool IsWrapped(ReadOnlySpan<byte> data) => data.Length >= HeaderSize && data[..3].SequenceEqual(Magic) && data[3] == Version;

    /// <summary>The id of the key that wrapped <paramref name="wrapped"/>.</summary>
    public static ReadOnlySpan<byte> ReadKeyId(ReadOnlySpan<byte> wrapped)
    {
        _ = Parse(wrapped);
        return wrapped.Slice(KeyIdOffset, KeyIdSize);
    }

    public static byte[] Wrap(ReadOnlySpan<byte> key, ReadOnlySpan<byte> keyId, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData)
    {
        var wrapped = new byte[GetWrappedLength(secret.Length)];
        Wrap(key, keyId, secret, associatedData, wrapped);
        return wrapped;
    }

    /// <summary>Wraps into <paramref name="destination"/> (at least <see cref="GetWrappedLength"/> bytes) and returns the length written.</summary>
    public static int Wrap(ReadOnlySpan<byte> key, ReadOnlySpan<byte> keyId, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        CheckKey(key);
        if (keyId.Length != KeyIdSize)
        {
            throw new ArgumentException($"A wrapping key id is {KeyIdSize} bytes; the id given has {keyId.Length}.", nameof(keyId));
        }

        int length = GetWrappedLength(secret.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The wrapped secret needs {length} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        Span<byte> wrapped = destination[..length];
        Magic.CopyTo(wrapped);
        wrapped[3] = Version;
        keyId.CopyTo(wrapped[KeyIdOffset..]);
        Span<byte> nonce = wrapped.Slice(NonceOffset, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(nonce, secret, wrapped[HeaderSize..], wrapped.Slice(TagOffset, TagSize), AssociatedData(wrapped, associatedData));
        return length;
    }

    public static byte[] Unwrap(ReadOnlySpan<byte> key, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        var secret = new byte[GetSecretLength(wrapped)];
        Unwrap(key, wrapped, associatedData, secret);
        return secret;
    }

    /// <summary>Unwraps into <paramref name="destination"/> and returns the secret's length; on any failure nothing is written.</summary>
    /// <exception cref="CryptographicException">Tampered, truncated, another key or other associated data.</exception>
    public static int Unwrap(ReadOnlySpan<byte> key, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        CheckKey(key);
        int secretLength = wrapped.Length - Parse(wrapped);
        if (destination.Length < secretLength)
        {
            throw new ArgumentException($"The secret needs {secretLength} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        try
        {
            using var gcm = new AesGcm(key, TagSize);
            gcm.Decrypt(
                wrapped.Slice(NonceOffset, NonceSize),
                wrapped[HeaderSize..],
                wrapped.Slice(TagOffset, TagSize),
                destination[..secretLength],
                AssociatedData(wrapped, associatedData));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException("The wrapped secret does not open: another key, other associated data, or it was altered.", e);
        }

        return secretLength;
    }

    private static int Parse(ReadOnlySpan<byte> wrapped) => IsWrapped(wrapped)
        ? HeaderSize
        : throw new CryptographicException($"This is not a wrapped secret of version {Version} (or it is truncated before its header).");

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A wrapping key is {KeySize} bytes (AES-256); the key given has {key.Length}.", nameof(key));
        }
    }

    /// <summary>The header before the nonce, then the caller's data: both authenticated, neither ambiguous (the header has a fixed length).</summary>
    private static byte[] AssociatedData(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        var data = new byte[NonceOffset + associatedData.Length];
        wrapped[..NonceOffset].CopyTo(data);
        associatedData.CopyTo(data.AsSpan(NonceOffset));
        return data;
    }
}
