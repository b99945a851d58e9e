using MedCrypt.Domain.Studies;

namespace MedCrypt.Portal.Api;

/// <summary>A series as the REST API returns it: its verdict (the slice with the highest P(tumor)), every screened slice in order, and how many the brain-slice gate stopped and where they were (1-based, in the order sent).</summary>
public sealed record SeriesResponse(Guid Id, bool Tumor, double TumorProbability, int VerdictSlice, Guid VerdictStudy, IReadOnlyList<StudyResponse> Slices, int NotScreened, IReadOnlyList<int> NotScreenedSlices)
{
    public static SeriesResponse From(SeriesDetails series)
    {
        ArgumentNullException.ThrowIfNull(series);
        StudyDetails verdict = series.Verdict;
        return new(series.Id, series.Tumor, verdict.Verdict?.TumorProbability ?? 0, verdict.Series?.Index ?? 1, verdict.Id, [.. series.Slices.Select(StudyResponse.From)], series.NotScreened, series.NotScreenedSlices);
    }
}
