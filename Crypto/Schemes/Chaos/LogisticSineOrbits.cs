using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MedCrypt.Crypto.Schemes.Chaos;

/// <summary>
/// Sixteen independent orbits of the Logistic–Sine System (Zhou, Bao &amp; Chen 2014),
/// <c>x' = (r·x(1−x) + (4−r)·sin(πx)/4) mod 1</c>, stepped together as four 4-lane vectors.
/// Every step of every orbit yields 32 bits.
/// </summary>
/// <remarks>
/// A chaotic orbit amplifies a last-bit difference, so ciphertexts would not decrypt across machines if
/// any step depended on the platform's libm. Every step is therefore a fixed sequence of IEEE-754 double
/// additions, multiplications, min and floor (each correctly rounded, never fused) with sin(πx) as a fixed
/// polynomial: the orbit is bit-identical on every CPU and operating system, vectorised or not.
/// </remarks>
internal sealed class LogisticSineOrbits
{
    public const int Count = 16;

    /// <summary>Seed bytes: for each orbit 8 for the start point and 8 for r.</summary>
    public const int SeedSize = Count * 16;

    private const int WarmUpSteps = 64;

    private const double TwoToMinus52 = 1.0 / 4503599627370496.0;

    // sin(πt) = Σ a_k t^(2k+1), Taylor coefficients a_k = (−1)^k π^(2k+1) / (2k+1)!; on t ∈ [0, ½] the
    // truncation error is below 1e-15. The map only needs a fixed function, not libm's last bit.
    private const double A0 = 3.141592653589793;
    private const double A1 = -5.16771278004997;
    private const double A2 = 2.5501640398773455;
    private const double A3 = -0.5992645293207921;
    private const double A4 = 0.08214588661112823;
    private const double A5 = -0.0073704309457143504;
    private const double A6 = 0.00046630280576761255;
    private const double A7 = -2.1915353447830217e-05;
    private const double A8 = 7.952054001475513e-07;
    private const double A9 = -2.2948428997269873e-08;

    // x = ½ maps to 1 ≡ 0, and 0 is a fixed point: an orbit that lands there restarts here (1/φ²).
    private const double Restart = 0.3819660112501051;

    private Vector256<double> _x0, _x1, _x2, _x3;
    private readonly Vector256<double> _r0, _r1, _r2, _r3;
    private readonly Vector256<double> _c0, _c1, _c2, _c3;

    public LogisticSineOrbits(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"The orbits need a {SeedSize}-byte seed.", nameof(seed));
        }

        Span<double> x = stackalloc double[Count];
        Span<double> r = stackalloc double[Count];
        for (int k = 0; k < Count; k++)
        {
            // 52 random bits each: x0 ∈ (0, 1) (odd, so never 0), r ∈ [1, 4).
            ulong xBits = BinaryPrimitives.ReadUInt64LittleEndian(seed.Slice(16 * k, 8)) >> 12;
            ulong rBits = BinaryPrimitives.ReadUInt64LittleEndian(seed.Slice((16 * k) + 8, 8)) >> 12;
            x[k] = (xBits | 1) * TwoToMinus52;
            r[k] = 1.0 + (3.0 * (rBits * TwoToMinus52));
        }

        (_x0, _x1, _x2, _x3) = (Load(x, 0), Load(x, 1), Load(x, 2), Load(x, 3));
        (_r0, _r1, _r2, _r3) = (Load(r, 0), Load(r, 1), Load(r, 2), Load(r, 3));
        var four = Vector256.Create(4.0);
        var quarter = Vector256.Create(0.25);
        (_c0, _c1, _c2, _c3) = ((four - _r0) * quarter, (four - _r1) * quarter, (four - _r2) * quarter, (four - _r3) * quarter);

        for (int i = 0; i < WarmUpSteps; i++)
        {
            StepAll();
        }
    }

    /// <summary>
    /// Fills <paramref name="output"/> with the next words: step t of orbit k lands at index 16·t + k,
    /// the low 32 of the 52 fraction bits of x (the high bits carry the map's uneven density; the low ones don't).
    /// </summary>
    public void Fill(Span<uint> output)
    {
        Span<uint> tail = stackalloc uint[Count];
        int whole = output.Length - (output.Length % Count);
        for (int i = 0; i < output.Length; i += Count)
        {
            StepAll();
            Span<uint> step = i < whole ? output.Slice(i, Count) : tail;
            Vector256.Narrow(LowBits(_x0), LowBits(_x1)).CopyTo(step);
            Vector256.Narrow(LowBits(_x2), LowBits(_x3)).CopyTo(step[8..]);
            if (i >= whole)
            {
                tail[..(output.Length - whole)].CopyTo(output[whole..]);
            }
        }
    }

    private void StepAll()
    {
        _x0 = Step(_x0, _r0, _c0);
        _x1 = Step(_x1, _r1, _c1);
        _x2 = Step(_x2, _r2, _c2);
        _x3 = Step(_x3, _r3, _c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Step(Vector256<double> x, Vector256<double> r, Vector256<double> c)
    {
        Vector256<double> oneMinusX = Vector256<double>.One - x;
        Vector256<double> t = Vector256.Min(x, oneMinusX); // sin(πx) = sin(π(1−x)): fold onto [0, ½]
        Vector256<double> t2 = t * t;
        Vector256<double> p = Vector256.Create(A9);
        p = (p * t2) + Vector256.Create(A8);
        p = (p * t2) + Vector256.Create(A7);
        p = (p * t2) + Vector256.Create(A6);
        p = (p * t2) + Vector256.Create(A5);
        p = (p * t2) + Vector256.Create(A4);
        p = (p * t2) + Vector256.Create(A3);
        p = (p * t2) + Vector256.Create(A2);
        p = (p * t2) + Vector256.Create(A1);
        p = (p * t2) + Vector256.Create(A0);
        Vector256<double> y = (r * (x * oneMinusX)) + (c * (p * t));
        y -= Vector256.Floor(y);
        return Vector256.ConditionalSelect(Vector256.Equals(y, Vector256<double>.Zero), Vector256.Create(Restart), y);
    }

    /// <summary>The low 32 fraction bits of x: 1 + x lies in [1, 2), where the mantissa is x's fraction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> LowBits(Vector256<double> x) =>
        (x + Vector256<double>.One).AsUInt64() & Vector256.Create(0xFFFF_FFFFUL);

    private static Vector256<double> Load(ReadOnlySpan<double> values, int vector) => Vector256.Create(values.Slice(4 * vector, 4));
}
