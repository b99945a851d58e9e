using System.Security.Cryptography;

namespace MedCrypt.Crypto.Keys;

/// <summary>
/// A 256-bit secret. Made only from a CSPRNG (<see cref="Generate"/>) or from stored bytes
/// (<see cref="FromBytes"/>); every scheme derives its own parameters from it with HKDF-SHA256.
/// Disposing wipes the bytes.
/// </summary>
public sealed class SecretKey : IDisposable
{
    public const int SizeInBytes = 32;

    private readonly byte[] _bytes;
    private bool _disposed;

    private SecretKey(byte[] bytes) => _bytes = bytes;

    public static SecretKey Generate() => new(RandomNumberGenerator.GetBytes(SizeInBytes));

    public static SecretKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SizeInBytes)
        {
            throw new ArgumentException(
                $"A MedCrypt key is {SizeInBytes} bytes (256 bits); the key given has {bytes.Length} bytes.",
                nameof(bytes));
        }

        return new SecretKey(bytes.ToArray());
    }

    /// <summary>The raw key, for a key store to persist under its own protection.</summary>
    public ReadOnlySpan<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes;
        }
    }

    /// <summary>Derives <paramref name="output"/>.Length bytes for one purpose (HKDF-SHA256; info = purpose, salt = salt).</summary>
    public void Derive(string purpose, ReadOnlySpan<byte> salt, Span<byte> output) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Bytes, output, salt, System.Text.Encoding.UTF8.GetBytes(purpose));

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_bytes);
        _disposed = true;
    }

    /// <summary>Never the key material: keys must not reach logs.</summary>
    public override string ToString() => "SecretKey(256 bit)";
}
