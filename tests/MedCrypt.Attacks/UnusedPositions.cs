namespace MedCrypt.Attacks;

/// <summary>
/// The positions of an image's values grouped by value, with "nearest position of value v not yet taken" in near
/// constant time: each value's positions sorted, and two path-compressed skip lists (next free to the right, to the left).
/// </summary>
internal sealed class UnusedPositions
{
    private readonly int[] _start = new int[257];
    private readonly int[] _positions;

    // _right[k]: a slot ≥ k that may be free (k itself when free); _left[k + 1]: a slot ≤ k, shifted so slot −1 is 0.
    private readonly int[] _right;
    private readonly int[] _left;

    public UnusedPositions(ReadOnlySpan<byte> values)
    {
        foreach (byte v in values)
        {
            _start[v + 1]++;
        }

        for (int v = 0; v < 256; v++)
        {
            _start[v + 1] += _start[v];
        }

        // A counting sort keeps each value's positions in increasing order.
        _positions = new int[values.Length];
        int[] next = _start[..256];
        for (int i = 0; i < values.Length; i++)
        {
            _positions[next[values[i]]++] = i;
        }

        _right = [.. Enumerable.Range(0, values.Length + 1)];
        _left = [.. Enumerable.Range(0, values.Length + 1)];
    }

    /// <summary>The free position holding <paramref name="value"/> nearest to <paramref name="position"/>, or −1 when none is left.</summary>
    public int Nearest(int value, int position)
    {
        int start = _start[value], end = _start[value + 1];
        if (start == end)
        {
            return -1;
        }

        int slot = _positions.AsSpan(start, end - start).BinarySearch(position);
        slot = start + (slot >= 0 ? slot : ~slot);
        int right = FindRight(slot);
        int left = FindLeft(slot - 1);
        bool hasRight = right < end, hasLeft = left >= start;
        if (!hasRight && !hasLeft)
        {
            return -1;
        }

        if (!hasLeft || (hasRight && _positions[right] - position <= position - _positions[left]))
        {
            return _positions[right];
        }

        return _positions[left];
    }

    /// <summary>Marks <paramref name="position"/>, which holds <paramref name="value"/>, as taken.</summary>
    public void Take(int value, int position)
    {
        int start = _start[value];
        int slot = start + _positions.AsSpan(start, _start[value + 1] - start).BinarySearch(position);
        _right[slot] = slot + 1;
        _left[slot + 1] = slot;
    }

    private int FindRight(int slot)
    {
        int root = slot;
        while (_right[root] != root)
        {
            root = _right[root];
        }

        while (slot != root)
        {
            int next = _right[slot];
            _right[slot] = root;
            slot = next;
        }

        return root;
    }

    // Returns the free slot ≤ slot, or −1.
    private int FindLeft(int slot)
    {
        int shifted = slot + 1, root = shifted;
        while (_left[root] != root)
        {
            root = _left[root];
        }

        while (shifted != root)
        {
            int next = _left[shifted];
            _left[shifted] = root;
            shifted = next;
        }

        return root - 1;
    }
}
