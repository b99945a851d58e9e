namespace MedCrypt.Domain.Auditing;

/// <summary>
/// The hashes of a proof's subtrees (<see cref="MerkleTree.InclusionRanges"/>, <see cref="MerkleTree.ConsistencyRanges"/>)
/// computed in one pass over the leaves in order: the ranges of a proof do not overlap, so one
/// <see cref="MerkleRootBuilder"/> at a time is filled, and memory stays O(log² n) however long the log.
/// </summary>
public sealed class MerkleRangeHasher
{
    private readonly List<MerkleRange> _ranges;
    private readonly int[] _byStart;
    private readonly byte[]?[] _hashes;
    private MerkleRootBuilder? _current;
    private int _next;

    public MerkleRangeHasher(List<MerkleRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        _ranges = ranges;
        _byStart = [.. Enumerable.Range(0, ranges.Count).OrderBy(i => ranges[i].Start)];
        _hashes = new byte[ranges.Count][];
    }

    /// <summary>Leaves appended so far (the next leaf's index).</summary>
    public long Size { get; private set; }

    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (_next < _byStart.Length && _ranges[_byStart[_next]].Contains(Size))
        {
            _current ??= new MerkleRootBuilder();
            _current.Append(leafHash);
            if (Size == _ranges[_byStart[_next]].End - 1)
            {
                _hashes[_byStart[_next]] = _current.Root();
                _current = null;
                _next++;
            }
        }

        Size++;
    }

    /// <summary>The proof, in the ranges' order; every range must have been covered.</summary>
    public List<byte[]> Hashes() =>
        [.. _hashes.Select((h, i) => h ?? throw new InvalidOperationException($"Leaves {_ranges[i].Start}..{_ranges[i].End - 1} were not all appended."))];
}
