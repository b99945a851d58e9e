using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Keys;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// The KEK as an X.509 certificate's RSA key (e.g. issued and backed up by the hospital's PKI): each secret gets a
/// fresh 256-bit data key, wrapped with RSA-OAEP-SHA256, which wraps the secret with AES-256-GCM; the purpose is
/// part of the associated data, since an RSA key has no sub-keys to derive. The id is a hash of the public key.
/// </summary>
/// <remarks>Layout, version 1: <c>"MCR" 0x01 | RSA block length (2, big-endian) | RSA-OAEP block | <see cref="SecretWrap"/> of the secret</c>.</remarks>
public sealed class CertificateKeyEncryptionKey : IKeyEncryptionKey
{
    private static readonly byte[] Magic = "MCR\u0001"u8.ToArray();
    private readonly X509Certificate2 _certificate;
    private readonly byte[] _id;

    public CertificateKeyEncryptionKey(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using RSA publicKey = certificate.GetRSAPublicKey()
            ?? throw new InvalidOperationException($"The key-encryption certificate {certificate.Subject} has no RSA key; it needs one (2048 bits or more).");
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"The key-encryption certificate {certificate.Subject} comes without its private key: give the .pfx that holds it.");
        }

        _certificate = certificate;
        _id = SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())[..SecretWrap.KeyIdSize];
        Id = Convert.ToHexStringLower(_id);
    }

    public string Id { get; }

    public X509Certificate2 Certificate => _certificate;

    /// <summary>The certificate in <paramref name="options"/>' file, its password from the environment variable they name.</summary>
    public static X509Certificate2 Load(KeyEncryptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = Path.GetFullPath(options.CertificateFile!);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The key-encryption certificate {path} (KeyEncryption:CertificateFile) does not exist.");
        }

        string? password = Environment.GetEnvironmentVariable(options.CertificatePasswordVariable);
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"The key-encryption certificate {path} does not open: is its password in the environment variable {options.CertificatePasswordVariable}?", e);
        }
    }

    public byte[] Wrap(string purpose, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> dataKey = stackalloc byte[SecretWrap.KeySize];
        RandomNumberGenerator.Fill(dataKey);
        try
        {
            using RSA rsa = _certificate.GetRSAPublicKey()!;
            byte[] block = rsa.Encrypt(dataKey.ToArray(), RSAEncryptionPadding.OaepSHA256);
            byte[] body = SecretWrap.Wrap(dataKey, _id, secret, AssociatedData(purpose, associatedData));
            var wrapped = new byte[Magic.Length + 2 + block.Length + body.Length];
            Magic.CopyTo(wrapped, 0);
            BinaryPrimitives.WriteUInt16BigEndian(wrapped.AsSpan(Magic.Length), (ushort)block.Length);
            block.CopyTo(wrapped, Magic.Length + 2);
            body.CopyTo(wrapped, Magic.Length + 2 + block.Length);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public byte[] Unwrap(string purpose, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        if (wrapped.Length < Magic.Length + 2 || !wrapped[..Magic.Length].SequenceEqual(Magic))
        {
            throw new CryptographicException("This secret was not wrapped with a key-encryption certificate.");
        }

        int blockLength = BinaryPrimitives.ReadUInt16BigEndian(wrapped[Magic.Length..]);
        if (wrapped.Length < Magic.Length + 2 + blockLength)
        {
            throw new CryptographicException("The wrapped secret is truncated.");
        }

        ReadOnlySpan<byte> body = wrapped[(Magic.Length + 2 + blockLength)..];
        if (SecretWrap.IsWrapped(body) && !SecretWrap.ReadKeyId(body).SequenceEqual(_id))
        {
            throw new CryptographicException($"This secret is wrapped under key-encryption certificate {Convert.ToHexStringLower(SecretWrap.ReadKeyId(body))}, not {Id}.");
        }

        using RSA rsa = _certificate.GetRSAPrivateKey()!;
        byte[] dataKey = rsa.Decrypt(wrapped.Slice(Magic.Length + 2, blockLength).ToArray(), RSAEncryptionPadding.OaepSHA256);
        try
        {
            return SecretWrap.Unwrap(dataKey, body, AssociatedData(purpose, associatedData));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public override string ToString() => $"CertificateKeyEncryptionKey({Id})";

    /// <summary>The purpose, length-prefixed, then the caller's data: one purpose's secret never opens as another's.</summary>
    private static byte[] AssociatedData(string purpose, ReadOnlySpan<byte> associatedData)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        byte[] name = Encoding.UTF8.GetBytes(purpose);
        var data = new byte[4 + name.Length + associatedData.Length];
        BinaryPrimitives.WriteInt32BigEndian(data, name.Length);
        name.CopyTo(data, 4);
        associatedData.CopyTo(data.AsSpan(4 + name.Length));
        return data;
    }
}
