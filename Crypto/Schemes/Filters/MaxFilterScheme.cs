using System.Runtime.Intrinsics;

namespace MedCrypt.Crypto.Schemes.Filters;

/// <summary>k×k maximum (grey-level dilation).</summary>
public sealed class MaxFilterScheme(int kernelSize = NeighbourhoodFilterScheme.DefaultKernelSize)
    : NeighbourhoodFilterScheme(kernelSize)
{
    public const string SchemeId = "max";

    public override string Id => SchemeId;

    public override string DisplayName => $"Maximum filter ({KernelSize}×{KernelSize})";

    protected override Vector256<byte> Reduce(Span<Vector256<byte>> window)
    {
        Vector256<byte> result = window[0];
        foreach (Vector256<byte> value in window[1..])
        {
            result = Vector256.Max(result, value);
        }

        return result;
    }

    protected override byte Reduce(Span<byte> window)
    {
        byte result = 0;
        foreach (byte value in window)
        {
            result = Math.Max(result, value);
        }

        return result;
    }
}
