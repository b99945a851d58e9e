namespace MedCrypt.Attacks;

/// <summary>
/// When a reconstruction counts as having recovered nothing: |r| ≤ 0.05, or — for a coarse reconstruction — within
/// four standard deviations of what an unrelated picture made of as many independent values gets by chance.
/// A 16 × 16 thumbnail of a 128 × 128 slice is 256 values: even an ideal cipher's thumbnail scatters by ±0.0625
/// (1/√256) around zero, so a flat 0.05 would fail any cipher; 4/√256 = 0.25 is its bound. Per-pixel attacks keep 0.05.
/// </summary>
public static class SecrecyTarget
{
    public const double MaxCorrelation = 0.05;

    /// <summary>Four standard deviations: a chance reconstruction crosses the bound about once in 16,000 measurements.</summary>
    public const double ChanceDeviations = 4;

    public static double Bound(int independentValues)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(independentValues, 1);
        return Math.Max(MaxCorrelation, ChanceDeviations / Math.Sqrt(independentValues));
    }
}
