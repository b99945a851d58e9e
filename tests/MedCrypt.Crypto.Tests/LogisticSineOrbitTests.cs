using MedCrypt.Crypto.Schemes.Chaos;

namespace MedCrypt.Crypto.Tests;

/// <summary>The vectorised orbits must equal the map computed one value at a time in plain doubles, in the same order of operations.</summary>
public sealed class LogisticSineOrbitTests
{
    private static readonly double[] Coefficients =
    [
        3.141592653589793, -5.16771278004997, 2.5501640398773455, -0.5992645293207921, 0.08214588661112823,
        -0.0073704309457143504, 0.00046630280576761255, -2.1915353447830217e-05, 7.952054001475513e-07, -2.2948428997269873e-08,
    ];

    [Fact]
    public void Vector_orbits_equal_a_scalar_evaluation_bit_for_bit()
    {
        byte[] seed = TestImages.Bytes(LogisticSineOrbits.SeedSize, start: 7);
        var orbits = new LogisticSineOrbits(seed);
        var keystream = new byte[(LogisticSineOrbits.StepBytes * 300) + 11]; // a partial last step too
        orbits.Fill(keystream);

        for (int k = 0; k < LogisticSineOrbits.Count; k++)
        {
            ulong xBits = BitConverter.ToUInt64(seed, 16 * k) >> 12;
            ulong rBits = BitConverter.ToUInt64(seed, (16 * k) + 8) >> 12;
            double x = (xBits | 1) / 4503599627370496.0;
            double r = 1.0 + (3.0 * (rBits / 4503599627370496.0));
            double c = (4.0 - r) * 0.25;
            for (int i = 0; i < 64; i++)
            {
                x = Step(x, r, c);
            }

            for (int offset = 6 * k; offset < keystream.Length; offset += LogisticSineOrbits.StepBytes)
            {
                x = Step(x, r, c);
                byte[] expected = BitConverter.GetBytes(BitConverter.DoubleToUInt64Bits(x + 1.0))[..Math.Min(6, keystream.Length - offset)];
                Assert.Equal(expected, keystream[offset..(offset + expected.Length)]);
            }
        }
    }

    [Fact]
    public void Scalar_step_follows_the_logistic_sine_map_within_rounding()
    {
        // The fixed polynomial is sin(πx) to ~1e-15: the step is Zhou, Bao & Chen's map, not a look-alike.
        for (double x = 0.001; x < 1; x += 0.0123)
        {
            double r = 3.3;
            double exact = ((r * x * (1 - x)) + ((4 - r) * Math.Sin(Math.PI * x) / 4)) % 1.0;
            Assert.Equal(exact, Step(x, r, (4 - r) * 0.25), 1e-13);
        }
    }

    private static double Step(double x, double r, double c)
    {
        double oneMinusX = 1.0 - x;
        double t = Math.Min(x, oneMinusX);
        double u = t * t, u2 = u * u, u4 = u2 * u2, u8 = u4 * u4;
        double[] q = [.. Enumerable.Range(0, 5).Select(i => Coefficients[2 * i] + (Coefficients[(2 * i) + 1] * u))];
        double p = (q[0] + (q[1] * u2)) + ((q[2] + (q[3] * u2)) * u4) + (q[4] * u8);
        double y = (r * (x * oneMinusX)) + (c * (p * t));
        y -= Math.Floor(y);
        return y == 0 ? 0.3819660112501051 : y;
    }
}
