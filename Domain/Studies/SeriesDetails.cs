using System.Globalization;

namespace MedCrypt.Domain.Studies;

/// <summary>
/// A series as pages and the API show it: its slices in order, each a study of its own (protected, sealed, read by
/// the models), and the series' verdict: the slice with the highest ensemble P(tumor), a tumor if that slice is one.
/// </summary>
public sealed record SeriesDetails(Guid Id, IReadOnlyList<StudyDetails> Slices)
{
    /// <summary>The slice that drove the verdict.</summary>
    public StudyDetails Verdict => Slices.MaxBy(s => s.Verdict?.TumorProbability ?? 0) ?? throw new InvalidOperationException("A series has slices.");

    public bool Tumor => Slices.Any(s => s.Verdict?.Tumor == true);

    /// <summary>Slices of the series the brain-slice gate stopped (not screened, not stored).</summary>
    public int NotScreened => (Slices.FirstOrDefault()?.Series?.Count ?? Slices.Count) - Slices.Count;

    /// <summary>Where those were in the series as sent (1-based), so a reader knows which slices were not read.</summary>
    public IReadOnlyList<int> NotScreenedSlices =>
        [.. Enumerable.Range(1, Slices.FirstOrDefault()?.Series?.Count ?? Slices.Count).Except(Slices.Select(s => s.Series?.Index ?? 0))];

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"verdict {(Tumor ? "tumor" : "no tumor")}: highest P(tumor) {Verdict.Verdict?.TumorProbability:F3} at slice {Verdict.Series?.Index} ({Slices.Count(s => s.Verdict?.Tumor == true)} of {Slices.Count} screened slices read as tumor; {NotScreened} not brain slices, not screened)");
}
