namespace MedCrypt.Domain.History;

/// <summary>The prediction history as the database holds it: filtered, ordered and paged there, never loaded whole.</summary>
public interface IPredictionQueries
{
    /// <param name="page">1-based.</param>
    Task<PredictionPage> PageAsync(HistoryFilter filter, int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>The matching rows in the filter's order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<PredictionRow>> ListAsync(HistoryFilter filter, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A page of studies (a single image, or a series as one row) that have a prediction matching the filter, in the
    /// filter's model (else <paramref name="ensemble"/>); each row's figures cover all of its slices in that model.
    /// </summary>
    /// <param name="page">1-based.</param>
    Task<StudyPage> StudyPageAsync(HistoryFilter filter, string ensemble, int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>The dashboard's figures since <paramref name="day"/> (the start of today, UTC); <paramref name="ensemble"/> names the verdict that counts.</summary>
    Task<DashboardSnapshot> DayAsync(DateTimeOffset day, string ensemble, int recent, CancellationToken cancellationToken);
}
