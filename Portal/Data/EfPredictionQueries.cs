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
        IQueryable<StudyGroup> groups = Studies(db, filter, ensemble);
        int total = await groups.CountAsync(cancellationToken);
        List<StudyRow> items = await Project(db, SortedStudies(groups, filter.Sort, filter.Descending).Skip((page - 1) * pageSize).Take(pageSize), filter.Sort, filter.Descending)
            .ToListAsync(cancellationToken);
        return new StudyPage(items, total, page, pageSize);
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
        List<StudyRow> latest = await Project(db, Studies(db, new HistoryFilter(), ensemble).OrderByDescending(g => g.LastPrediction).Take(recent), HistorySort.Time, true)
            .ToListAsync(cancellationToken);
        return new DashboardSnapshot(day, studies, analysed, tumors, [.. models.OrderBy(m => m.Model, StringComparer.Ordinal)], latest);
    }

    /// <summary>
    /// The studies (a single image, or a series) with at least one prediction that matches the filter, one group
    /// each over all of its slices in the filter's model (else the ensemble): a time range that cuts a series, or a
    /// label only some slices have, still shows the whole series' figures.
    /// </summary>
    private static IQueryable<StudyGroup> Studies(PortalDbContext db, HistoryFilter filter, string ensemble)
    {
        string model = string.IsNullOrWhiteSpace(filter.Model) ? ensemble : filter.Model;
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
                // The reading that drove the verdict: the highest P(tumor), the first such slice on a tie.
                Shown = Readings(db, model)
                    .Where(x => (x.Study.SeriesId ?? x.Study.Id) == g.Key.Key)
                    .OrderByDescending(x => x.Prediction.TumorProbability).ThenBy(x => x.Study.SliceIndex).ThenBy(x => x.Prediction.Id)
                    .Select(x => x.Prediction.Id)
                    .First(),
            };
    }

    /// <summary>One model's predictions with their studies, unfiltered.</summary>
    private static IQueryable<Pair> Readings(PortalDbContext db, string model) =>
        from p in db.Predictions.AsNoTracking()
        where p.Model == model
        join s in db.Studies.AsNoTracking() on p.StudyId equals s.Id
        select new Pair { Prediction = p, Study = s };

    /// <summary>The groups as rows, with the facts of the slice that drove each (the order is applied again after the join).</summary>
    private static IQueryable<StudyRow> Project(PortalDbContext db, IQueryable<StudyGroup> groups, HistorySort sort, bool descending)
    {
        IQueryable<StudyGroup> shown =
            from g in groups
            join p in db.Predictions.AsNoTracking() on g.Shown equals p.Id
            join s in db.Studies.AsNoTracking() on p.StudyId equals s.Id
            select new StudyGroup
            {
                Key = g.Key,
                UploadedBy = g.UploadedBy,
                Scheme = g.Scheme,
                DecryptedForInference = g.DecryptedForInference,
                Slices = g.Slices,
                TumorSlices = g.TumorSlices,
                TumorProbability = g.TumorProbability,
                LastPrediction = g.LastPrediction,
                Shown = g.Shown,
                ShownStudy = s,
                Model = p.Model,
            };
        return SortedStudies(shown, sort, descending).Select(row => new StudyRow(
            row.Key, row.ShownStudy!.SeriesId != null, row.ShownStudy.Id, row.ShownStudy.CreatedAt, row.UploadedBy, row.ShownStudy.FileName,
            row.Scheme, row.DecryptedForInference, row.Model!, row.Slices, row.TumorSlices, row.TumorProbability, row.ShownStudy.SliceIndex));
    }

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

    /// <summary>A study's readings in one model, grouped in the database; <see cref="ShownStudy"/> is joined in last.</summary>
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

        public long Shown { get; init; }

        public StudyRecord? ShownStudy { get; init; }

        public string? Model { get; init; }
    }

    /// <summary>A prediction with its study, for filters that EF translates on both providers.</summary>
    private sealed class Pair
    {
        public required PredictionRecord Prediction { get; init; }

        public required StudyRecord Study { get; init; }
    }
}
