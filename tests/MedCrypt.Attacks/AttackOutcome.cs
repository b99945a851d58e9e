namespace MedCrypt.Attacks;

/// <summary>
/// How one attack did on one slice: the Pearson correlation r of its reconstruction with the true prepared slice (for
/// the same-image-twice attack, of the two protected images with each other), the reconstruction's horizontal
/// adjacent-pixel correlation at its own resolution (how picture-like it is; a real slice is about 0.9), and its chance level.
/// </summary>
public sealed record AttackOutcome(string Attack, AttackerKnowledge Knowledge, double R, double AdjacentCorrelation, int IndependentValues)
{
    /// <summary>|r|; a flat reconstruction (r undefined) recovers nothing.</summary>
    public double AbsoluteR => double.IsNaN(R) ? 0 : Math.Abs(R);

    public double Bound => SecrecyTarget.Bound(IndependentValues);

    /// <summary>True when the attack recovered nothing (<see cref="SecrecyTarget"/>).</summary>
    public bool RecoveredNothing => AbsoluteR <= Bound;

    public override string ToString() => $"{Attack}: r = {R:F3} (bound {Bound:F3}), adjacent {AdjacentCorrelation:F3}";
}
