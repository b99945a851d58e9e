using System.Globalization;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.History;

/// <summary>Every matching prediction as CSV (RFC 4180, formula-safe cells), one audit entry per export.</summary>
public sealed class ExportPredictionHistory(IPredictionQueries predictions, AccessGuard guard, AuditLog audit)
{
    /// <summary>More rows than this in one export are refused: narrow the filter.</summary>
    public const int MaxExportRows = 100_000;

    /// <summary>Writes the header and every row in the filter's order; returns how many rows were written.</summary>
    /// <exception cref="AccessDeniedException">The actor may not read the history (audited).</exception>
    /// <exception cref="RejectedInputException">More than <see cref="MaxExportRows"/> rows match; nothing is written.</exception>
    public async Task<int> RunAsync(Actor actor, HistoryFilter filter, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(writer);
        await guard.DemandAsync(actor, Permission.ReadHistory, "history.export", "predictions", filter.Describe(), cancellationToken).ConfigureAwait(false);
        try
        {
            filter.EnsureValid();
        }
        catch (RejectedInputException e)
        {
            await audit.RecordAsync(actor.Name, "history.export", "predictions", AuditOutcome.Denied, $"{filter.Describe()}; {e.Message}", cancellationToken).ConfigureAwait(false);
            throw;
        }
        IReadOnlyList<PredictionRow> items = await predictions.ListAsync(filter, MaxExportRows + 1, cancellationToken).ConfigureAwait(false);
        if (items.Count > MaxExportRows)
        {
            await audit.RecordAsync(actor.Name, "history.export", "predictions", AuditOutcome.Failed, $"{filter.Describe()}; over {MaxExportRows} rows", cancellationToken).ConfigureAwait(false);
            throw new RejectedInputException($"More than {MaxExportRows:N0} predictions match: narrow the filter (a date range) and export again.");
        }

        await audit.RecordAsync(actor.Name, "history.export", "predictions", AuditOutcome.Succeeded, $"{filter.Describe()}; {items.Count} rows as CSV", cancellationToken).ConfigureAwait(false);
        CsvFormat.WriteRow(writer, "prediction_id", "study_id", "created_at_utc", "uploaded_by", "file_name", "scheme",
            "decrypted_for_inference", "model", "label", "tumor", "tumor_probability", "latency_ms", "device", "series_id", "slice");
        foreach (PredictionRow r in items)
        {
            CsvFormat.WriteRow(writer,
                r.Id.ToString(CultureInfo.InvariantCulture),
                r.StudyId.ToString("D"),
                r.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                CsvFormat.Field(r.UploadedBy),
                CsvFormat.Field(r.FileName),
                CsvFormat.Field(r.Scheme),
                r.DecryptedForInference ? "true" : "false",
                CsvFormat.Field(r.Model),
                CsvFormat.Field(r.Label),
                r.Tumor ? "true" : "false",
                CsvFormat.Field(r.TumorProbability, "0.######"),
                CsvFormat.Field(r.LatencyMilliseconds, "0.###"),
                CsvFormat.Field(r.Device),
                r.SeriesId?.ToString("D") ?? "",
                r.SliceIndex?.ToString(CultureInfo.InvariantCulture) ?? "");
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return items.Count;
    }
}
