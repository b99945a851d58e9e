using System.Security.Cryptography;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// The public key that checks signed tree heads: ECDSA P-256 from its SubjectPublicKeyInfo; its id is the SHA-256 of
/// that encoding (hex), as Certificate Transparency names a log by its key.
/// </summary>
public sealed class TreeHeadKey : IDisposable
{
    private readonly ECDsa _key;

    public TreeHeadKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        _key = ECDsa.Create();
        _key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        if (_key.KeySize != 256)
        {
            _key.Dispose();
            throw new CryptographicException("A tree-head key is an ECDSA P-256 key.");
        }

        SubjectPublicKeyInfo = subjectPublicKeyInfo.ToArray();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));
    }

    public string KeyId { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    public static TreeHeadKey FromPem(string pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return new TreeHeadKey(key.ExportSubjectPublicKeyInfo());
    }

    public string ToPem() => PemEncoding.WriteString("PUBLIC KEY", SubjectPublicKeyInfo);

    /// <summary>Whether this key signed <paramref name="head"/> as it stands (size, root, time).</summary>
    public bool Signed(SignedTreeHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (!string.Equals(head.KeyId, KeyId, StringComparison.Ordinal) || head.RootHash.Length != MerkleTree.HashSize || head.TreeSize < 0)
        {
            return false;
        }

        Span<byte> signed = stackalloc byte[SignedTreeHead.SignedSize];
        SignedTreeHead.WriteSigned(head.TreeSize, head.RootHash, head.Timestamp, signed);
        return _key.VerifyData(signed, head.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public void Dispose() => _key.Dispose();
}
