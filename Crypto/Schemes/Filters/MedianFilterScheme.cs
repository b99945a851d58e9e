using System.Runtime.Intrinsics;

namespace MedCrypt.Crypto.Schemes.Filters;

/// <summary>
/// k×k median. The vector path runs a sorting network (Batcher's odd–even merge sort, cut down to the
/// comparators that the middle element depends on) over 32 pixels at once, with no branches.
/// </summary>
public sealed class MedianFilterScheme : NeighbourhoodFilterScheme
{
    public const string SchemeId = "median";

    private readonly (int Low, int High)[] _network;

    public MedianFilterScheme(int kernelSize = DefaultKernelSize)
        : base(kernelSize)
    {
        _network = MedianNetwork(kernelSize * kernelSize);
    }

    public override string Id => SchemeId;

    public override string DisplayName => $"Median filter ({KernelSize}×{KernelSize})";

    protected override Vector256<byte> Reduce(Span<Vector256<byte>> window)
    {
        foreach ((int low, int high) in _network)
        {
            Vector256<byte> a = window[low];
            Vector256<byte> b = window[high];
            window[low] = Vector256.Min(a, b);
            window[high] = Vector256.Max(a, b);
        }

        return window[window.Length / 2];
    }

    protected override byte Reduce(Span<byte> window)
    {
        window.Sort();
        return window[window.Length / 2];
    }

    /// <summary>The comparators of a sorting network on <paramref name="count"/> values that decide the middle one.</summary>
    internal static (int Low, int High)[] MedianNetwork(int count)
    {
        int size = 1;
        while (size < count)
        {
            size *= 2;
        }

        // Batcher's odd–even merge sort on a power of two; values past count act as +∞, so comparators touching them do nothing.
        var comparators = new List<(int, int)>();
        for (int p = 1; p < size; p *= 2)
        {
            for (int k = p; k >= 1; k /= 2)
            {
                for (int j = k % p; j + k < size; j += 2 * k)
                {
                    for (int i = 0; i < Math.Min(k, size - j - k); i++)
                    {
                        if ((i + j) / (2 * p) == (i + j + k) / (2 * p) && i + j + k < count)
                        {
                            comparators.Add((i + j, i + j + k));
                        }
                    }
                }
            }
        }

        // Walk back from the middle output and keep only the comparators it depends on.
        var needed = new bool[count];
        needed[count / 2] = true;
        var kept = new List<(int, int)>();
        for (int c = comparators.Count - 1; c >= 0; c--)
        {
            (int low, int high) = comparators[c];
            if (needed[low] || needed[high])
            {
                needed[low] = needed[high] = true;
                kept.Add((low, high));
            }
        }

        kept.Reverse();
        return [.. kept];
    }
}
