using System.Runtime.Intrinsics;

namespace MedCrypt.Crypto.Schemes.Filters;

/// <summary>k×k mean (box blur), rounded half up.</summary>
public sealed class MeanFilterScheme(int kernelSize = NeighbourhoodFilterScheme.DefaultKernelSize)
    : NeighbourhoodFilterScheme(kernelSize)
{
    public const string SchemeId = "mean";

    public override string Id => SchemeId;

    public override string DisplayName => $"Mean filter ({KernelSize}×{KernelSize})";

    protected override Vector256<byte> Reduce(Span<Vector256<byte>> window)
    {
        // Sums fit 16 bits (15² · 255 < 65,536).
        Vector256<ushort> low = Vector256<ushort>.Zero;
        Vector256<ushort> high = Vector256<ushort>.Zero;
        foreach (Vector256<byte> value in window)
        {
            (Vector256<ushort> lower, Vector256<ushort> upper) = Vector256.Widen(value);
            low += lower;
            high += upper;
        }

        return Vector256.Narrow(Divide(low, window.Length), Divide(high, window.Length));
    }

    protected override byte Reduce(Span<byte> window)
    {
        int sum = 0;
        foreach (byte value in window)
        {
            sum += value;
        }

        return (byte)((sum + (window.Length / 2)) / window.Length);
    }

    /// <summary>
    /// round(sum / count) = ⌊(sum + ⌊count/2⌋ + ½) / count⌋ in float: the quotient then sits at least ½/count
    /// from an integer, far more than float's error on sums below 2¹⁶, so it equals the integer division above.
    /// </summary>
    private static Vector256<ushort> Divide(Vector256<ushort> sums, int count)
    {
        (Vector256<uint> lower, Vector256<uint> upper) = Vector256.Widen(sums);
        var offset = Vector256.Create((count / 2) + 0.5f);
        var reciprocal = Vector256.Create(1f / count);
        Vector256<int> low = Vector256.ConvertToInt32(Vector256.Floor((Vector256.ConvertToSingle(lower.AsInt32()) + offset) * reciprocal));
        Vector256<int> high = Vector256.ConvertToInt32(Vector256.Floor((Vector256.ConvertToSingle(upper.AsInt32()) + offset) * reciprocal));
        return Vector256.Narrow(low.AsUInt32(), high.AsUInt32());
    }
}
