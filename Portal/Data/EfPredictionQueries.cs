using MedCrypt.Domain.History;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Data;

/// <summary>The prediction history in EF Core: predictions joined to their studies, filtered and ordered in the database on both providers.</summary>
internal sealed class EfPredictionQueries(IServiceScopeFactory scopes) : IPredictionQueries
{
    public async Task<PredictionPage> PageAsync(HistoryFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        IQueryable<Pair> rows = Filtered(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), filter);
        int total = await rows.CountAsync(cancellationToken);
        List<PredictionRow> items = await Project(Sorted(rows, filter.Sort, filter.Descending).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return new PredictionPage(items, total, page, pageSize);
    }

    public async Task<IReadOnlyList<PredictionRow>> ListAsync(HistoryFilter filter, int limit, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        IQueryable<Pair> rows = Filtered(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), filter);
        return await Project(Sorted(rows, filter.Sort, filter.Descending).Take(limit)).ToListAsync(cancellationToken);
    }

    public async Task<DashboardSnapshot> DayAsync(DateTimeOffset day, string ensemble, int recent, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        int studies = await TimeRange.StudiesCreated(db, day, null).CountAsync(cancellationToken);
        IQueryable<Pair> todays = Filtered(db, new HistoryFilter { From = day });
        int analysed = await todays.CountAsync(r => r.Prediction.Model == ensemble, cancellationToken);
        int tumors = await todays.CountAsync(r => r.Prediction.Model == ensemble && r.Prediction.Tumor, cancellationToken);
        List<ModelFigures> models = await todays
            .Where(r => r.Prediction.Model != ensemble)
            .GroupBy(r => new { r.Prediction.Model, r.Prediction.Device })
            .Select(g => new ModelFigures(g.Key.Model, g.Key.Device, g.Average(r => r.Prediction.LatencyMilliseconds), g.Count()))
            .ToListAsync(cancellationToken);
        List<PredictionRow> latest = await Project(Filtered(db, new HistoryFilter { Model = ensemble }).OrderByDescending(r => r.Prediction.Id).Take(recent))
            .ToListAsync(cancellationToken);
        return new DashboardSnapshot(day, studies, analysed, tumors, [.. models.OrderBy(m => m.Model, StringComparer.Ordinal)], latest);
    }

    /// <summary>The filter applied in the database (no ordering, no paging).</summary>
    private static IQueryable<Pair> Filtered(PortalDbContext db, HistoryFilter filter)
    {
        IQueryable<Pair> rows =
            from p in db.Predictions.AsNoTracking()
            join s in TimeRange.StudiesCreated(db, filter.From, filter.To).AsNoTracking() on p.StudyId equals s.Id
            select new Pair { Prediction = p, Study = s };
        if (!string.IsNullOrWhiteSpace(filter.Model))
        {
            rows = rows.Where(r => r.Prediction.Model == filter.Model);
        }

        if (!string.IsNullOrWhiteSpace(filter.Label))
        {
            rows = rows.Where(r => r.Prediction.Label == filter.Label);
        }

        if (!string.IsNullOrWhiteSpace(filter.Uploader))
        {
            rows = rows.Where(r => r.Study.UploadedBy.Contains(filter.Uploader));
        }

        if (!string.IsNullOrWhiteSpace(filter.Scheme))
        {
            rows = rows.Where(r => r.Study.SchemeId == filter.Scheme);
        }

        if (filter.DecryptedForInference is { } decrypted)
        {
            rows = rows.Where(r => r.Study.DecryptedForInference == decrypted);
        }

        if (filter.MinTumorProbability is { } min)
        {
            rows = rows.Where(r => r.Prediction.TumorProbability >= min);
        }

        return rows;
    }

    private static IQueryable<PredictionRow> Project(IQueryable<Pair> rows) => rows.Select(r => new PredictionRow(
        r.Prediction.Id, r.Study.Id, r.Study.CreatedAt, r.Study.UploadedBy, r.Study.FileName, r.Study.SchemeId, r.Study.DecryptedForInference,
        r.Prediction.Model, r.Prediction.Label, r.Prediction.Tumor, r.Prediction.TumorProbability, r.Prediction.LatencyMilliseconds, r.Prediction.Device,
        r.Study.SeriesId, r.Study.SliceIndex));

    private static IQueryable<Pair> Sorted(IQueryable<Pair> rows, HistorySort sort, bool descending)
    {
        IOrderedQueryable<Pair> ordered = sort switch
        {
            HistorySort.TumorProbability => By(r => r.Prediction.TumorProbability),
            HistorySort.Model => By(r => r.Prediction.Model),
            HistorySort.Label => By(r => r.Prediction.Label),
            HistorySort.Uploader => By(r => r.Study.UploadedBy),
            HistorySort.Scheme => By(r => r.Study.SchemeId),
            HistorySort.Latency => By(r => r.Prediction.LatencyMilliseconds),
            _ => By(r => r.Prediction.Id),
        };
        // Ties broken by id, so that pages neither repeat nor skip rows.
        return descending ? ordered.ThenByDescending(r => r.Prediction.Id) : ordered.ThenBy(r => r.Prediction.Id);

        IOrderedQueryable<Pair> By<TKey>(System.Linq.Expressions.Expression<Func<Pair, TKey>> key) =>
            descending ? rows.OrderByDescending(key) : rows.OrderBy(key);
    }

    /// <summary>A prediction with its study, for filters that EF translates on both providers.</summary>
    private sealed class Pair
    {
        public required PredictionRecord Prediction { get; init; }

        public required StudyRecord Study { get; init; }
    }
}
