namespace MedCrypt.Domain.History;

/// <summary>A page of the history and how many rows match in all.</summary>
public sealed record PredictionPage(IReadOnlyList<PredictionRow> Items, int Total, int Page, int PageSize);
