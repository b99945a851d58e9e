using System.Buffers.Binary;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// A signed tree head: the audit log's Merkle root at a size, a time, and an ECDSA P-256 signature over RFC 6962
/// §3.5's TreeHeadSignature (version v1, signature type tree_hash, timestamp in ms, tree size, root). Each head after
/// the first carries the consistency proof from the head published before it, so the published heads alone show
/// that the log only grew between them.
/// </summary>
public sealed record SignedTreeHead(
    long TreeSize,
    byte[] RootHash,
    DateTimeOffset Timestamp,
    string KeyId,
    byte[] Signature,
    long? ConsistencyFrom,
    IReadOnlyList<byte[]> ConsistencyProof)
{
    public const int SignedSize = 1 + 1 + 8 + 8 + MerkleTree.HashSize;

    /// <summary>The bytes the signature covers (RFC 6962 §3.5 TreeHeadSignature).</summary>
    public static void WriteSigned(long treeSize, ReadOnlySpan<byte> root, DateTimeOffset timestamp, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        if (root.Length != MerkleTree.HashSize || destination.Length != SignedSize)
        {
            throw new ArgumentException($"A root has {MerkleTree.HashSize} bytes and the signed structure {SignedSize}.");
        }

        destination[0] = 0; // Version v1
        destination[1] = 1; // SignatureType tree_hash
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)timestamp.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt64BigEndian(destination[10..], (ulong)treeSize);
        root.CopyTo(destination[18..]);
    }
}
