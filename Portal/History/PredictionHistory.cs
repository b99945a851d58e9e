using System.Security.Claims;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.History;

/// <summary>
/// The prediction history: every model's (and the ensemble's) reading of every study, filtered, ordered and paged in
/// the database, and exported as CSV. It holds no images, so auditors read it too. Each query and each export is
/// one audit entry (never one per row).
/// </summary>
public sealed class PredictionHistory(IServiceScopeFactory scopes, AuditLog audit, AccessGuard guard)
{
    public const int MaxPageSize = 200;

    /// <summary>More rows than this in one export are refused: narrow the filter.</summary>
    public const int MaxExportRows = 100_000;

    /// <param name="page">1-based.</param>
    /// <exception cref="AccessDeniedException">The user may not read the history (audited).</exception>
    /// <exception cref="RejectedInputException">A page below 1 or a page size outside 1 to <see cref="MaxPageSize"/>.</exception>
    public async Task<PredictionPage> QueryAsync(ClaimsPrincipal user, HistoryFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(user.ToActor(), Permission.ReadHistory, "history.view", "predictions", filter.Describe(), cancellationToken);
        if (page < 1 || pageSize < 1 || pageSize > MaxPageSize)
        {
            throw new RejectedInputException($"Pages start at 1 and hold 1 to {MaxPageSize} rows.");
        }


        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        IQueryable<Pair> rows = Filtered(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), filter);
        int total = await rows.CountAsync(cancellationToken);
        List<PredictionRow> items = await Project(Sorted(rows, filter.Sort, filter.Descending).Skip((page - 1) * pageSize).Take(pageSize))
            .ToListAsync(cancellationToken);
        await audit.RecordAsync(Actor(user), "history.view", "predictions", AuditOutcome.Succeeded,
            $"{filter.Describe()}; page {page} of size {pageSize}: {items.Count} of {total} rows", cancellationToken);
        return new PredictionPage(items, total, page, pageSize);
    }

    /// <summary>Every matching row as CSV (header first), in the filter's order; returns how many rows were written.</summary>
    /// <exception cref="AccessDeniedException">The user may not read the history (audited).</exception>
    /// <exception cref="RejectedInputException">More than <see cref="MaxExportRows"/> rows match; nothing is written.</exception>
    public async Task<int> ExportCsvAsync(ClaimsPrincipal user, HistoryFilter filter, TextWriter writer, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(user.ToActor(), Permission.ReadHistory, "history.export", "predictions", filter.Describe(), cancellationToken);
        List<PredictionRow> items;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            IQueryable<Pair> rows = Filtered(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), filter);
            items = await Project(Sorted(rows, filter.Sort, filter.Descending).Take(MaxExportRows + 1)).ToListAsync(cancellationToken);
        }

        if (items.Count > MaxExportRows)
        {
            await audit.RecordAsync(Actor(user), "history.export", "predictions", AuditOutcome.Failed,
                $"{filter.Describe()}; over {MaxExportRows} rows", cancellationToken);
            throw new RejectedInputException($"More than {MaxExportRows:N0} predictions match: narrow the filter (a date range) and export again.");
        }

        await audit.RecordAsync(Actor(user), "history.export", "predictions", AuditOutcome.Succeeded,
            $"{filter.Describe()}; {items.Count} rows as CSV", cancellationToken);
        CsvFormat.WriteRow(writer, "prediction_id", "study_id", "created_at_utc", "uploaded_by", "file_name", "scheme",
            "decrypted_for_inference", "model", "label", "tumor", "tumor_probability", "latency_ms", "device");
        foreach (PredictionRow r in items)
        {
            CsvFormat.WriteRow(writer,
                r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                r.StudyId.ToString("D"),
                r.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
                CsvFormat.Field(r.UploadedBy),
                CsvFormat.Field(r.FileName),
                CsvFormat.Field(r.Scheme),
                r.DecryptedForInference ? "true" : "false",
                CsvFormat.Field(r.Model),
                CsvFormat.Field(r.Label),
                r.Tumor ? "true" : "false",
                CsvFormat.Field(r.TumorProbability, "0.######"),
                CsvFormat.Field(r.LatencyMilliseconds, "0.###"),
                CsvFormat.Field(r.Device));
        }

        await writer.FlushAsync(cancellationToken);
        return items.Count;
    }

    /// <summary>The filter applied in the database (no ordering, no paging); for the dashboard's figures too.</summary>
    internal static IQueryable<Pair> Filtered(PortalDbContext db, HistoryFilter filter)
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

    internal static IQueryable<PredictionRow> Project(IQueryable<Pair> rows) => rows.Select(r => new PredictionRow(
        r.Prediction.Id, r.Study.Id, r.Study.CreatedAt, r.Study.UploadedBy, r.Study.FileName, r.Study.SchemeId, r.Study.DecryptedForInference,
        r.Prediction.Model, r.Prediction.Label, r.Prediction.Tumor, r.Prediction.TumorProbability, r.Prediction.LatencyMilliseconds, r.Prediction.Device));

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

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>A prediction with its study, for filters that EF translates on both providers.</summary>
    internal sealed class Pair
    {
        public required PredictionRecord Prediction { get; init; }

        public required StudyRecord Study { get; init; }
    }
}
