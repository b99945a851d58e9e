namespace MedCrypt.Domain.History;

/// <summary>What the dashboard shows at one moment.</summary>
public sealed record DashboardSnapshot(DateTimeOffset Day, int StudiesToday, int AnalysedToday, int TumorsToday, IReadOnlyList<ModelFigures> Models, IReadOnlyList<PredictionRow> Recent)
{
    /// <summary>The share of today's analyses the ensemble labels as a tumor; null before the first one.</summary>
    public double? TumorRate => AnalysedToday == 0 ? null : (double)TumorsToday / AnalysedToday;
}
