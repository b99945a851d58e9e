namespace MedCrypt.Domain.Auditing;

/// <summary>The leaves [<see cref="Start"/>, <see cref="End"/>) of a Merkle tree (0-based): one node of a proof is MTH of such a range.</summary>
public readonly record struct MerkleRange(long Start, long End)
{
    public long Size => End - Start;

    public bool Contains(long index) => index >= Start && index < End;
}
