using System.Runtime.Intrinsics;

namespace MedCrypt.Crypto.Schemes.Filters;

/// <summary>k×k minimum (grey-level erosion).</summary>
public sealed class MinFilterScheme(int kernelSize = NeighbourhoodFilterScheme.DefaultKernelSize)
    : NeighbourhoodFilterScheme(kernelSize)
{
    public const string SchemeId = "min";

    public override string Id => SchemeId;

    public override string DisplayName => $"Minimum filter ({KernelSize}×{KernelSize})";

    protected override Vector256<byte> Reduce(Span<Vector256<byte>> window)
    {
        Vector256<byte> result = window[0];
        foreach (Vector256<byte> value in window[1..])
        {
            result = Vector256.Min(result, value);
        }

        return result;
    }

    protected override byte Reduce(Span<byte> window)
    {
        byte result = byte.MaxValue;
        foreach (byte value in window)
        {
            result = Math.Min(result, value);
        }

        return result;
    }
}
