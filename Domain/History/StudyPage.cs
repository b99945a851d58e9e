namespace MedCrypt.Domain.History;

/// <summary>A page of the history at study level and how many studies match in all.</summary>
public sealed record StudyPage(IReadOnlyList<StudyRow> Items, int Total, int Page, int PageSize);
