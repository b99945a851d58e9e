using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// Finds the one arrangement of a block's values, shared by every block, that makes the whole image smoothest: the
/// least total variation (sum of |a − b| over horizontal and vertical neighbours, inside blocks and across their
/// borders). Every block of a block-wise scheme is scrambled by the same permutation, so the costs of putting value i
/// next to value k add up over the image's blocks into three small tables (side by side in one block, across a
/// vertical border, across a horizontal one); the search then costs nothing per pixel. The borders pin the
/// arrangement down: inside one block a mirrored or transposed arrangement is as smooth, across borders it is not.
/// Local search by pairwise swaps, restarted from random arrangements; the best is kept.
/// </summary>
internal sealed class BlockArrangementSearch
{
    private readonly BlockGrid _grid;
    private readonly int _length;

    // cost[kind][i·L + k]: total |value i − value k| when i and k are neighbours of that kind (i left of / above k).
    private readonly long[][] _cost;

    // The neighbour pairs of one block's positions: (first, second, kind); first is left of or above second.
    private readonly (int First, int Second, int Kind)[] _pairs;

    // For each position, the indices of the pairs it belongs to: a swap only changes those.
    private readonly int[][] _pairsOf;

    private BlockArrangementSearch(PixelImage image, int blockSize)
    {
        _grid = new BlockGrid(image, blockSize);
        _length = _grid.Length;
        _pairs = NeighbourPairs(blockSize, _grid.Channels);
        _pairsOf = [.. Enumerable.Range(0, _length).Select(q => Enumerable.Range(0, _pairs.Length).Where(p => _pairs[p].First == q || _pairs[p].Second == q).ToArray())];
        _cost = Costs(_grid, _grid.Gather(image));
    }

    private const int Inside = 0, AcrossVertical = 1, AcrossHorizontal = 2;

    /// <summary>For each position q of a block, which of the scrambled block's values to put there.</summary>
    public static int[] Find(PixelImage image, int blockSize, int restarts, int seed)
    {
        var search = new BlockArrangementSearch(image, blockSize);
        var random = new Random(seed);
        int[] best = [.. Enumerable.Range(0, search._length)];
        long bestCost = search.Improve(best);
        var candidate = new int[search._length];
        for (int restart = 0; restart < restarts; restart++)
        {
            for (int q = 0; q < candidate.Length; q++)
            {
                candidate[q] = q;
            }

            random.Shuffle(candidate);
            long cost = search.Improve(candidate);
            if (cost < bestCost)
            {
                (bestCost, best) = (cost, (int[])candidate.Clone());
            }
        }

        return best;
    }

    /// <summary>Swaps pairs of positions while any swap lowers the cost; returns the cost reached.</summary>
    private long Improve(int[] arrangement)
    {
        long cost = 0;
        foreach ((int first, int second, int kind) in _pairs)
        {
            cost += Cost(arrangement, first, second, kind);
        }

        for (bool improved = true; improved;)
        {
            improved = false;
            for (int a = 0; a < _length; a++)
            {
                for (int b = a + 1; b < _length; b++)
                {
                    long before = Local(arrangement, a, b);
                    (arrangement[a], arrangement[b]) = (arrangement[b], arrangement[a]);
                    long after = Local(arrangement, a, b);
                    if (after < before)
                    {
                        cost += after - before;
                        improved = true;
                    }
                    else
                    {
                        (arrangement[a], arrangement[b]) = (arrangement[b], arrangement[a]);
                    }
                }
            }
        }

        return cost;
    }

    /// <summary>The cost of the pairs that touch position a or b (a pair touching both counted once).</summary>
    private long Local(int[] arrangement, int a, int b)
    {
        long sum = 0;
        foreach (int p in _pairsOf[a])
        {
            sum += Cost(arrangement, _pairs[p].First, _pairs[p].Second, _pairs[p].Kind);
        }

        foreach (int p in _pairsOf[b])
        {
            if (_pairs[p].First != a && _pairs[p].Second != a)
            {
                sum += Cost(arrangement, _pairs[p].First, _pairs[p].Second, _pairs[p].Kind);
            }
        }

        return sum;
    }

    private long Cost(int[] arrangement, int first, int second, int kind) => _cost[kind][(arrangement[first] * _length) + arrangement[second]];

    private static (int, int, int)[] NeighbourPairs(int m, int channels)
    {
        var pairs = new List<(int, int, int)>();
        int Index(int dy, int dx, int c) => (((dy * m) + dx) * channels) + c;
        for (int c = 0; c < channels; c++)
        {
            for (int dy = 0; dy < m; dy++)
            {
                for (int dx = 0; dx < m; dx++)
                {
                    if (dx + 1 < m)
                    {
                        pairs.Add((Index(dy, dx, c), Index(dy, dx + 1, c), Inside));
                    }

                    if (dy + 1 < m)
                    {
                        pairs.Add((Index(dy, dx, c), Index(dy + 1, dx, c), Inside));
                    }
                }

                // The right column of a block touches the left column of the next block; the bottom row, the next row's top.
                pairs.Add((Index(dy, m - 1, c), Index(dy, 0, c), AcrossVertical));
                pairs.Add((Index(m - 1, dy, c), Index(0, dy, c), AcrossHorizontal));
            }
        }

        return [.. pairs];
    }

    private static long[][] Costs(BlockGrid grid, byte[] values)
    {
        int length = grid.Length;
        long[][] cost = [new long[length * length], new long[length * length], new long[length * length]];
        for (int block = 0; block < grid.BlockCount; block++)
        {
            ReadOnlySpan<byte> here = values.AsSpan(block * length, length);
            Accumulate(cost[Inside], here, here);
            if ((block % grid.BlocksX) + 1 < grid.BlocksX)
            {
                Accumulate(cost[AcrossVertical], here, values.AsSpan((block + 1) * length, length));
            }

            if ((block / grid.BlocksX) + 1 < grid.BlocksY)
            {
                Accumulate(cost[AcrossHorizontal], here, values.AsSpan((block + grid.BlocksX) * length, length));
            }
        }

        return cost;
    }

    private static void Accumulate(Span<long> cost, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        for (int i = 0; i < first.Length; i++)
        {
            Span<long> row = cost.Slice(i * second.Length, second.Length);
            int a = first[i];
            for (int k = 0; k < second.Length; k++)
            {
                row[k] += Math.Abs(a - second[k]);
            }
        }
    }
}
