namespace MedCrypt.Domain.History;

/// <summary>What the dashboard shows at one moment, a series counted as one study.</summary>
public sealed record DashboardSnapshot(DateTimeOffset Day, int StudiesToday, int AnalysedToday, int TumorsToday, IReadOnlyList<ModelFigures> Models, IReadOnlyList<StudyRow> Recent)
{
    /// <summary>The share of today's studies the ensemble reads as a tumor; null before the first one.</summary>
    public double? TumorRate => AnalysedToday == 0 ? null : (double)TumorsToday / AnalysedToday;
}
