using System.Security.Cryptography;
using System.Text;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Envelope;

/// <summary>
/// AES-256-GCM envelope encryption for blobs at rest and in transit. Each envelope has its own random data
/// key, wrapped (also AES-256-GCM) by a master key named in the header, so master keys rotate by
/// re-wrapping 60 bytes (<see cref="Rewrap"/>) without touching the payload.
/// </summary>
/// <remarks>
/// Layout, version 1:
/// <code>
/// "MCE" 0x01 | id length (1) | master key id (ASCII)               ← header, the data key's associated data
/// data-key nonce (12) | wrapped data key (32) | data-key tag (16)
/// payload nonce (12) | payload tag (16) | ciphertext (= plaintext length)
/// </code>
/// The payload's associated data is the caller's context (<see cref="EnvelopeContext"/>).
/// </remarks>
public static class EnvelopeCipher
{
    public const byte Version = 1;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int DataKeySize = 32;
    private static ReadOnlySpan<byte> Magic => "MCE"u8;

    /// <summary>Bytes an envelope of <paramref name="plaintextLength"/> bytes under <paramref name="masterKeyId"/> takes.</summary>
    public static int GetSealedLength(int plaintextLength, string masterKeyId) =>
        checked(HeaderLength(Encoding.ASCII.GetByteCount(masterKeyId)) + plaintextLength);

    public static byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, MasterKey masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        var envelope = new byte[GetSealedLength(plaintext.Length, masterKey.Id)];
        Seal(plaintext, associatedData, masterKey, envelope);
        return envelope;
    }

    /// <summary>Seals into <paramref name="destination"/> (exactly <see cref="GetSealedLength"/> bytes) and returns that length.</summary>
    public static int Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, MasterKey masterKey, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        int length = GetSealedLength(plaintext.Length, masterKey.Id);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The envelope needs {length} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        Span<byte> envelope = destination[..length];
        Layout layout = WriteHeader(envelope, masterKey.Id);
        Span<byte> dataKey = stackalloc byte[DataKeySize];
        RandomNumberGenerator.Fill(dataKey);
        try
        {
            WrapDataKey(dataKey, masterKey, envelope, layout);
            Span<byte> payloadNonce = envelope.Slice(layout.PayloadNonce, NonceSize);
            RandomNumberGenerator.Fill(payloadNonce);
            using var gcm = new AesGcm(dataKey, TagSize);
            gcm.Encrypt(payloadNonce, plaintext, envelope[layout.Ciphertext..], envelope.Slice(layout.PayloadTag, TagSize), associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        return length;
    }

    /// <summary>The id of the master key that wraps this envelope's data key, to look the key up.</summary>
    public static string ReadMasterKeyId(ReadOnlySpan<byte> envelope)
    {
        Layout layout = Parse(envelope);
        return Encoding.ASCII.GetString(envelope.Slice(layout.KeyId, layout.KeyIdLength));
    }

    public static int GetPlaintextLength(ReadOnlySpan<byte> envelope) => envelope.Length - Parse(envelope).Ciphertext;

    public static byte[] Open(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> associatedData, MasterKey masterKey)
    {
        var plaintext = new byte[GetPlaintextLength(envelope)];
        Open(envelope, associatedData, masterKey, plaintext);
        return plaintext;
    }

    /// <summary>Opens into <paramref name="destination"/> and returns the plaintext length; on any failure nothing is written.</summary>
    /// <exception cref="EnvelopeException">Tampered, truncated, wrong context or wrong key.</exception>
    public static int Open(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> associatedData, MasterKey masterKey, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        Layout layout = Parse(envelope);
        int plaintextLength = envelope.Length - layout.Ciphertext;
        if (destination.Length < plaintextLength)
        {
            throw new ArgumentException($"The plaintext needs {plaintextLength} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        Span<byte> dataKey = stackalloc byte[DataKeySize];
        try
        {
            UnwrapDataKey(envelope, layout, masterKey, dataKey);
            using var gcm = new AesGcm(dataKey, TagSize);
            gcm.Decrypt(
                envelope.Slice(layout.PayloadNonce, NonceSize),
                envelope[layout.Ciphertext..],
                envelope.Slice(layout.PayloadTag, TagSize),
                destination[..plaintextLength],
                associatedData);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new EnvelopeException(
                "The envelope's content does not authenticate: it was altered, or it belongs to another context.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        return plaintextLength;
    }

    /// <summary>Re-wraps the data key from <paramref name="current"/> to <paramref name="next"/>; the payload is copied unchanged.</summary>
    public static byte[] Rewrap(ReadOnlySpan<byte> envelope, MasterKey current, MasterKey next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        Layout layout = Parse(envelope);
        ReadOnlySpan<byte> payload = envelope[layout.PayloadNonce..];
        var result = new byte[envelope.Length - layout.KeyIdLength + Encoding.ASCII.GetByteCount(next.Id)];
        Layout nextLayout = WriteHeader(result, next.Id);
        Span<byte> dataKey = stackalloc byte[DataKeySize];
        try
        {
            UnwrapDataKey(envelope, layout, current, dataKey);
            WrapDataKey(dataKey, next, result, nextLayout);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        payload.CopyTo(result.AsSpan(nextLayout.PayloadNonce));
        return result;
    }

    private static void WrapDataKey(ReadOnlySpan<byte> dataKey, MasterKey masterKey, Span<byte> envelope, Layout layout)
    {
        Span<byte> nonce = envelope.Slice(layout.DataKeyNonce, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(masterKey.Key.Bytes, TagSize);
        gcm.Encrypt(
            nonce,
            dataKey,
            envelope.Slice(layout.WrappedDataKey, DataKeySize),
            envelope.Slice(layout.DataKeyTag, TagSize),
            envelope[..layout.DataKeyNonce]);
    }

    private static void UnwrapDataKey(ReadOnlySpan<byte> envelope, Layout layout, MasterKey masterKey, Span<byte> dataKey)
    {
        string keyId = Encoding.ASCII.GetString(envelope.Slice(layout.KeyId, layout.KeyIdLength));
        if (keyId != masterKey.Id)
        {
            throw new EnvelopeException($"The envelope is sealed under master key '{keyId}', not '{masterKey.Id}'.");
        }

        try
        {
            using var gcm = new AesGcm(masterKey.Key.Bytes, TagSize);
            gcm.Decrypt(
                envelope.Slice(layout.DataKeyNonce, NonceSize),
                envelope.Slice(layout.WrappedDataKey, DataKeySize),
                envelope.Slice(layout.DataKeyTag, TagSize),
                dataKey,
                envelope[..layout.DataKeyNonce]);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new EnvelopeException($"The envelope's data key does not open with master key '{masterKey.Id}': wrong key or altered header.", e);
        }
    }

    private static Layout WriteHeader(Span<byte> envelope, string keyId)
    {
        var layout = new Layout(Encoding.ASCII.GetByteCount(keyId));
        Magic.CopyTo(envelope);
        envelope[3] = Version;
        envelope[4] = (byte)layout.KeyIdLength;
        Encoding.ASCII.GetBytes(keyId, envelope.Slice(layout.KeyId, layout.KeyIdLength));
        return layout;
    }

    private static Layout Parse(ReadOnlySpan<byte> envelope)
    {
        if (envelope.Length < 5 || !envelope[..3].SequenceEqual(Magic))
        {
            throw new EnvelopeException("This is not a MedCrypt envelope (or it is truncated before its header).");
        }

        if (envelope[3] != Version)
        {
            throw new EnvelopeException($"Envelope version {envelope[3]} is not supported; this build reads version {Version}.");
        }

        var layout = new Layout(envelope[4]);
        if (layout.KeyIdLength is 0 or > MasterKey.MaxIdLength || envelope.Length < layout.Ciphertext)
        {
            throw new EnvelopeException("The envelope is truncated or its header is damaged.");
        }

        return layout;
    }

    private static int HeaderLength(int keyIdLength) => new Layout(keyIdLength).Ciphertext;

    /// <summary>Offsets of the envelope's fields for a given key id length.</summary>
    private readonly record struct Layout(int KeyIdLength)
    {
        public int KeyId => 5;

        public int DataKeyNonce => KeyId + KeyIdLength;

        public int WrappedDataKey => DataKeyNonce + NonceSize;

        public int DataKeyTag => WrappedDataKey + DataKeySize;

        public int PayloadNonce => DataKeyTag + TagSize;

        public int PayloadTag => PayloadNonce + NonceSize;

        public int Ciphertext => PayloadTag + TagSize;
    }
}
