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

    public async Task<StudyPage> StudyPageAsync(HistoryFilter filter, string ensemble, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        string model = string.IsNullOrWhiteSpace(filter.Model) ? ensemble : filter.Model;
        IQueryable<StudyGroup> groups = Studies(db, filter, model);
        int total = await groups.CountAsync(cancellationToken);
        List<StudyGroup> items = await SortedStudies(groups, filter.Sort, filter.Descending).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new StudyPage(await RowsAsync(db, items, model, cancellationToken), total, page, pageSize);
    }

    public async Task<DashboardSnapshot> DayAsync(DateTimeOffset day, string ensemble, int recent, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        // A series is one study: its slices are studies of their own in the table, with one series id.
        int studies = await TimeRange.StudiesCreated(db, day, null).Select(s => s.SeriesId ?? s.Id).Distinct().CountAsync(cancellationToken);
        IQueryable<StudyGroup> todaysStudies = Studies(db, new HistoryFilter { From = day }, ensemble);
        int analysed = await todaysStudies.CountAsync(cancellationToken);
        int tumors = await todaysStudies.CountAsync(g => g.TumorSlices > 0, cancellationToken);
        List<ModelFigures> models = await Filtered(db, new HistoryFilter { From = day })
            .Where(r => r.Prediction.Model != ensemble)
            .GroupBy(r => new { r.Prediction.Model, r.Prediction.Device })
            .Select(g => new ModelFigures(g.Key.Model, g.Key.Device, g.Average(r => r.Prediction.LatencyMilliseconds), g.Count()))
            .ToListAsync(cancellationToken);
        List<StudyGroup> newest = await Studies(db, new HistoryFilter(), ensemble).OrderByDescending(g => g.LastPrediction).Take(recent).ToListAsync(cancellationToken);
        List<StudyRow> latest = await RowsAsync(db, newest, ensemble, cancellationToken);
        return new DashboardSnapshot(day, studies, analysed, tumors, [.. models.OrderBy(m => m.Model, StringComparer.Ordinal)], latest);
    }

    /// <summary>
    /// The studies (a single image, or a series) with at least one prediction that matches the filter, one group
    /// each over all of its slices in <paramref name="model"/>: a time range that cuts a series, or a label only some
    /// slices have, still shows the whole series' figures. Aggregates only, so the database pages them in one pass.
    /// </summary>
    private static IQueryable<StudyGroup> Studies(PortalDbContext db, HistoryFilter filter, string model)
    {
        IQueryable<Guid> matching = Filtered(db, filter with { Model = model }).Select(r => r.Study.SeriesId ?? r.Study.Id).Distinct();
        return
            from r in Readings(db, model)
            where matching.Contains(r.Study.SeriesId ?? r.Study.Id)
            group r by new { Key = r.Study.SeriesId ?? r.Study.Id, r.Study.UploadedBy, r.Study.SchemeId, r.Study.DecryptedForInference } into g
            select new StudyGroup
            {
                Key = g.Key.Key,
                UploadedBy = g.Key.UploadedBy,
                Scheme = g.Key.SchemeId,
                DecryptedForInference = g.Key.DecryptedForInference,
                Slices = g.Count(),
                TumorSlices = g.Count(r => r.Prediction.Tumor),
                TumorProbability = g.Max(r => r.Prediction.TumorProbability),
                LastPrediction = g.Max(r => r.Prediction.Id),
            };
    }

    /// <summary>
    /// The groups as rows, with the facts of the slice that drove each: the reading with the highest P(tumor), the
    /// first such slice on a tie. Read for these groups only (by primary key and series index, a chunk at a time),
    /// never for every study in the history.
    /// </summary>
    private static async Task<List<StudyRow>> RowsAsync(PortalDbContext db, List<StudyGroup> groups, string model, CancellationToken cancellationToken)
    {
        var shown = new Dictionary<Guid, Reading>();
        foreach (Guid[] keys in groups.Select(g => g.Key).Chunk(500))
        {
            List<Reading> readings = await Readings(db, model)
                .Where(r => keys.Contains(r.Study.Id) || (r.Study.SeriesId != null && keys.Contains(r.Study.SeriesId.Value)))
                .Select(r => new Reading(r.Prediction.Id, r.Prediction.TumorProbability, r.Study.Id, r.Study.SeriesId, r.Study.SliceIndex, r.Study.FileName, r.Study.CreatedAt, r.Prediction.TumorThreshold))
                .ToListAsync(cancellationToken);
            foreach (IGrouping<Guid, Reading> study in readings.GroupBy(r => r.SeriesId ?? r.Study))
            {
                shown[study.Key] = study.OrderByDescending(r => r.TumorProbability).ThenBy(r => r.SliceIndex).ThenBy(r => r.Prediction).First();
            }
        }

        return [.. groups.Select(g =>
        {
            Reading r = shown[g.Key];
            return new StudyRow(g.Key, r.SeriesId is not null, r.Study, r.CreatedAt, g.UploadedBy, r.FileName, g.Scheme, g.DecryptedForInference, model,
                g.Slices, g.TumorSlices, g.TumorProbability, r.SliceIndex, r.TumorThreshold);
        })];
    }

    /// <summary>One model's predictions with their studies, unfiltered.</summary>
    private static IQueryable<Pair> Readings(PortalDbContext db, string model) =>
        from p in db.Predictions.AsNoTracking()
        where p.Model == model
        join s in db.Studies.AsNoTracking() on p.StudyId equals s.Id
        select new Pair { Prediction = p, Study = s };

    private static IQueryable<StudyGroup> SortedStudies(IQueryable<StudyGroup> groups, HistorySort sort, bool descending)
    {
        IOrderedQueryable<StudyGroup> ordered = sort switch
        {
            HistorySort.TumorProbability => By(g => g.TumorProbability),
            HistorySort.Uploader => By(g => g.UploadedBy),
            HistorySort.Scheme => By(g => g.Scheme),
            _ => By(g => g.LastPrediction), // a study has no one label, model or latency: those orders are by time
        };
        return descending ? ordered.ThenByDescending(g => g.LastPrediction) : ordered.ThenBy(g => g.LastPrediction);

        IOrderedQueryable<StudyGroup> By<TKey>(System.Linq.Expressions.Expression<Func<StudyGroup, TKey>> key) =>
            descending ? groups.OrderByDescending(key) : groups.OrderBy(key);
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

        if (filter.Study is { } study)
        {
            rows = rows.Where(r => r.Study.Id == study || r.Study.SeriesId == study);
        }

        return rows;
    }

    private static IQueryable<PredictionRow> Project(IQueryable<Pair> rows) => rows.Select(r => new PredictionRow(
        r.Prediction.Id, r.Study.Id, r.Study.CreatedAt, r.Study.UploadedBy, r.Study.FileName, r.Study.SchemeId, r.Study.DecryptedForInference,
        r.Prediction.Model, r.Prediction.Label, r.Prediction.Tumor, r.Prediction.TumorProbability, r.Prediction.LatencyMilliseconds, r.Prediction.Device,
        r.Study.SeriesId, r.Study.SliceIndex, r.Prediction.TumorThreshold));

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

    /// <summary>A study's readings in one model, grouped in the database.</summary>
    private sealed class StudyGroup
    {
        public Guid Key { get; init; }

        public required string UploadedBy { get; init; }

        public required string Scheme { get; init; }

        public bool DecryptedForInference { get; init; }

        public int Slices { get; init; }

        public int TumorSlices { get; init; }

        public double TumorProbability { get; init; }

        public long LastPrediction { get; init; }
    }

    /// <summary>One slice's reading in the model, as <see cref="RowsAsync"/> needs it to find the one that drove its study.</summary>
    private sealed record Reading(long Prediction, double TumorProbability, Guid Study, Guid? SeriesId, int? SliceIndex, string FileName, DateTimeOffset CreatedAt, double? TumorThreshold);

    /// <summary>A prediction with its study, for filters that EF translates on both providers.</summary>
    private sealed class Pair
    {
        public required PredictionRecord Prediction { get; init; }

        public required StudyRecord Study { get; init; }
    }
}
