namespace MedCrypt.Domain.Studies;

/// <summary>Where a slice sits in its series: the series' id, its place (1-based) and how many slices the series has.</summary>
public sealed record SeriesPosition(Guid Id, int Index, int Count);
