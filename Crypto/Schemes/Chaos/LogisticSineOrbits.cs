using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MedCrypt.Crypto.Schemes.Chaos;

/// <summary>
/// Thirty-two independent orbits of the Logistic–Sine System (Zhou, Bao &amp; Chen 2014),
/// <c>x' = (r·x(1−x) + (4−r)·sin(πx)/4) mod 1</c>, stepped together as eight 4-lane vectors (enough
/// independent work to hide each step's latency). Every step of every orbit yields 48 bits (6 bytes).
/// </summary>
/// <remarks>
/// A chaotic orbit amplifies a last-bit difference, so ciphertexts would not decrypt across machines if
/// any step depended on the platform's libm. Every step is therefore a fixed sequence of IEEE-754 double
/// additions, multiplications, min and floor (each correctly rounded, never fused) with sin(πx) as a fixed
/// polynomial in a fixed evaluation order (Estrin's scheme): the orbit is bit-identical on every CPU and
/// operating system, vectorised or not.
/// </remarks>
internal sealed class LogisticSineOrbits
{
    public const int Count = 32;

    /// <summary>Keystream bytes per step of all orbits.</summary>
    public const int StepBytes = Count * BytesPerStep;

    private const int BytesPerStep = 6;

    private const int Vectors = Count / 4;

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

    private readonly Vector256<double>[] _x = new Vector256<double>[Vectors];
    private readonly Vector256<double>[] _r = new Vector256<double>[Vectors];
    private readonly Vector256<double>[] _c = new Vector256<double>[Vectors];

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

        for (int v = 0; v < Vectors; v++)
        {
            _x[v] = Vector256.Create(x.Slice(4 * v, 4));
            _r[v] = Vector256.Create(r.Slice(4 * v, 4));
            _c[v] = (Vector256.Create(4.0) - _r[v]) * Vector256.Create(0.25);
        }

        for (int i = 0; i < WarmUpSteps; i++)
        {
            Advance();
        }
    }

    /// <summary>
    /// Fills <paramref name="output"/> with the next keystream bytes: step t of orbit k gives bytes
    /// [6·(32·t + k), 6·(32·t + k) + 6), the low 48 of x's 52 fraction bits, little-endian (the high bits carry
    /// the map's uneven density; the low ones don't).
    /// </summary>
    public void Fill(Span<byte> output)
    {
        Span<ulong> bits = stackalloc ulong[Count];
        Span<byte> tail = stackalloc byte[StepBytes + sizeof(ulong)];
        for (int offset = 0; offset < output.Length; offset += StepBytes)
        {
            Advance(bits);
            // Whole steps are written in place while 8-byte stores fit; the last one through a buffer.
            bool inPlace = offset + StepBytes + sizeof(ulong) <= output.Length;
            Span<byte> target = inPlace ? output[offset..] : tail;
            for (int k = 0; k < Count; k++)
            {
                // Each 8-byte store's top two bytes are overwritten by the next orbit's.
                Unsafe.WriteUnaligned(ref target[k * BytesPerStep], bits[k] & 0xFFFF_FFFF_FFFFUL);
            }

            if (!inPlace)
            {
                tail[..Math.Min(StepBytes, output.Length - offset)].CopyTo(output[offset..]);
            }
        }
    }

    private void Advance(Span<ulong> bits)
    {
        for (int v = 0; v < Vectors; v++)
        {
            _x[v] = Step(_x[v], _r[v], _c[v]);
            (_x[v] + Vector256<double>.One).AsUInt64().CopyTo(bits[(4 * v)..]);
        }
    }

    private void Advance()
    {
        for (int v = 0; v < Vectors; v++)
        {
            _x[v] = Step(_x[v], _r[v], _c[v]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Step(Vector256<double> x, Vector256<double> r, Vector256<double> c)
    {
        Vector256<double> oneMinusX = Vector256<double>.One - x;
        Vector256<double> t = Vector256.MinNative(x, oneMinusX); // sin(πx) = sin(π(1−x)): fold onto [0, ½]; no NaN or −0 occurs here, so the native min is exact
        // Estrin's scheme in u = t²: one fixed order of operations, with a shorter dependency chain than Horner's.
        Vector256<double> u = t * t;
        Vector256<double> u2 = u * u;
        Vector256<double> u4 = u2 * u2;
        Vector256<double> u8 = u4 * u4;
        Vector256<double> q01 = Vector256.Create(A0) + (Vector256.Create(A1) * u);
        Vector256<double> q23 = Vector256.Create(A2) + (Vector256.Create(A3) * u);
        Vector256<double> q45 = Vector256.Create(A4) + (Vector256.Create(A5) * u);
        Vector256<double> q67 = Vector256.Create(A6) + (Vector256.Create(A7) * u);
        Vector256<double> q89 = Vector256.Create(A8) + (Vector256.Create(A9) * u);
        Vector256<double> p = (q01 + (q23 * u2)) + ((q45 + (q67 * u2)) * u4) + (q89 * u8);
        Vector256<double> y = (r * (x * oneMinusX)) + (c * (p * t));
        y -= Vector256.Floor(y);
        return Vector256.ConditionalSelect(Vector256.Equals(y, Vector256<double>.Zero), Vector256.Create(Restart), y);
    }

}
