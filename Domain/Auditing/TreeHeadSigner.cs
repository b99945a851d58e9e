using System.Security.Cryptography;
using System.Text;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// Signs tree heads with an ECDSA P-256 key derived from a 32-byte seed (the signing key file, kept outside the
/// database like the key-encryption key): the private scalar is HKDF-SHA256 of the seed, drawn again in the
/// negligible case that it is not in [1, n − 1]. So the key file has the KEK file's format and helper, and the same
/// seed always gives the same key.
/// </summary>
public sealed class TreeHeadSigner : IDisposable
{
    // The order n of P-256 (FIPS 186-4 D.1.2.3), big-endian.
    private static readonly byte[] Order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    private readonly ECDsa _key;

    private TreeHeadSigner(ECDsa key)
    {
        _key = key;
        PublicKey = new TreeHeadKey(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The public half: what an offline verifier needs, and nothing more.</summary>
    public TreeHeadKey PublicKey { get; }

    public static TreeHeadSigner FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("The signing seed has 32 bytes.", nameof(seed));
        }

        byte[] d = new byte[32];
        try
        {
            for (int counter = 0; ; counter++)
            {
                HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, d, [], Encoding.ASCII.GetBytes($"medcrypt/v1/audit/tree-head-key/{counter}"));
                if (d.AsSpan().IndexOfAnyExcept((byte)0) >= 0 && d.AsSpan().SequenceCompareTo(Order) < 0)
                {
                    break;
                }
            }

            // The public point is derived from D (OpenSSL and CNG both do).
            return new TreeHeadSigner(ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d }));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    public SignedTreeHead Sign(long treeSize, byte[] root, DateTimeOffset timestamp, long? consistencyFrom, IReadOnlyList<byte[]> consistencyProof)
    {
        ArgumentNullException.ThrowIfNull(root);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(timestamp.ToUnixTimeMilliseconds()); // what is signed
        Span<byte> signed = stackalloc byte[SignedTreeHead.SignedSize];
        SignedTreeHead.WriteSigned(treeSize, root, at, signed);
        byte[] signature = _key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new SignedTreeHead(treeSize, root, at, PublicKey.KeyId, signature, consistencyFrom, consistencyProof);
    }

    public void Dispose()
    {
        _key.Dispose();
        PublicKey.Dispose();
    }
}
