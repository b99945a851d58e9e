namespace MedCrypt.Domain.Auditing;

/// <summary>
/// The Merkle tree head of leaves appended one by one, in O(log n) memory: a stack of the roots of complete
/// subtrees (sizes strictly decreasing powers of two, the binary digits of the size). Two equal neighbours merge on
/// append; the root folds the stack from the right, which is the RFC's split for a size that is not a power of two.
/// </summary>
public sealed class MerkleRootBuilder
{
    private const int MaxHeight = 64;
    private readonly byte[][] _roots = new byte[MaxHeight][];
    private readonly long[] _sizes = new long[MaxHeight];
    private int _count;

    public long Size { get; private set; }

    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException($"A leaf hash has {MerkleTree.HashSize} bytes.", nameof(leafHash));
        }

        _roots[_count] ??= new byte[MerkleTree.HashSize];
        leafHash.CopyTo(_roots[_count]);
        _sizes[_count] = 1;
        _count++;
        while (_count > 1 && _sizes[_count - 1] == _sizes[_count - 2])
        {
            MerkleTree.NodeHash(_roots[_count - 2], _roots[_count - 1], _roots[_count - 2]);
            _sizes[_count - 2] *= 2;
            _count--;
        }

        Size++;
    }

    /// <summary>MTH of the leaves so far (the empty tree's hash before any).</summary>
    public byte[] Root()
    {
        if (_count == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        byte[] root = (byte[])_roots[_count - 1].Clone();
        for (int i = _count - 2; i >= 0; i--)
        {
            MerkleTree.NodeHash(_roots[i], root, root);
        }

        return root;
    }
}
