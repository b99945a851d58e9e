using System.Collections.Concurrent;
using System.Security.Cryptography;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Keys;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// The KEK from a key file. Each purpose wraps with its own HKDF-SHA256 sub-key ("medcrypt/v1/kek/{purpose}"), so
/// the key ring's key, the key store's and the user tokens' are unrelated; the file's id is a further HKDF output,
/// which names the KEK without revealing anything of it.
/// </summary>
public sealed class FileKeyEncryptionKey : IKeyEncryptionKey, IDisposable
{
    private readonly SecretKey _key;
    private readonly byte[] _id = new byte[SecretWrap.KeyIdSize];
    private readonly ConcurrentDictionary<string, byte[]> _subKeys = new(StringComparer.Ordinal);

    public FileKeyEncryptionKey(ReadOnlySpan<byte> key)
    {
        _key = SecretKey.FromBytes(key);
        _key.Derive("medcrypt/v1/kek/id", [], _id);
        Id = Convert.ToHexStringLower(_id);
    }

    public string Id { get; }

    /// <summary>The KEK in <paramref name="path"/>, made there first if there is none (logged, never its bytes).</summary>
    public static FileKeyEncryptionKey Open(string path, ILogger logger)
    {
        (byte[] bytes, bool created) = KeyFile.ReadOrCreate(path);
        try
        {
            var kek = new FileKeyEncryptionKey(bytes);
            if (created)
            {
                logger.LogWarning(
                    "A new key-encryption key {KekId} was made in {KeyFile}. Back it up apart from the database: without it no sealed original, key or authenticator secret can be read.",
                    kek.Id, path);
            }
            else
            {
                logger.LogInformation("Key-encryption key {KekId} from {KeyFile}.", kek.Id, path);
            }

            return kek;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public byte[] Wrap(string purpose, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData) =>
        SecretWrap.Wrap(SubKey(purpose), _id, secret, associatedData);

    public byte[] Unwrap(string purpose, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        if (SecretWrap.IsWrapped(wrapped) && !SecretWrap.ReadKeyId(wrapped).SequenceEqual(_id))
        {
            throw new CryptographicException(
                $"This secret is wrapped under key-encryption key {Convert.ToHexStringLower(SecretWrap.ReadKeyId(wrapped))}, not {Id}.");
        }

        return SecretWrap.Unwrap(SubKey(purpose), wrapped, associatedData);
    }

    public void Dispose()
    {
        _key.Dispose();
        foreach (byte[] subKey in _subKeys.Values)
        {
            CryptographicOperations.ZeroMemory(subKey);
        }
    }

    public override string ToString() => $"FileKeyEncryptionKey({Id})";

    private byte[] SubKey(string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return _subKeys.GetOrAdd(purpose, p =>
        {
            var subKey = new byte[SecretWrap.KeySize];
            _key.Derive($"medcrypt/v1/kek/{p}", [], subKey);
            return subKey;
        });
    }
}
