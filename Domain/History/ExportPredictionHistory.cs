using System.Globalization;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.History;

/// <summary>Every matching prediction, or every matching study, as CSV (RFC 4180, formula-safe cells), one audit entry per export.</summary>
public sealed class ExportPredictionHistory(IPredictionQueries predictions, AccessGuard guard, AuditLog audit)
{
    /// <summary>More rows than this in one export are refused: narrow the filter.</summary>
    public const int MaxExportRows = 100_000;

    /// <summary>Writes the header and every prediction (one model's reading of one slice) in the filter's order; returns how many rows were written.</summary>
    /// <exception cref="AccessDeniedException">The actor may not read the history (audited).</exception>
    /// <exception cref="RejectedInputException">More than <see cref="MaxExportRows"/> rows match; nothing is written.</exception>
    public async Task<int> RunAsync(Actor actor, HistoryFilter filter, TextWriter writer, CancellationToken cancellationToken)
    {
        await AdmitAsync(actor, filter, writer, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<PredictionRow> items = await predictions.ListAsync(filter, MaxExportRows + 1, cancellationToken).ConfigureAwait(false);
        await RecordAsync(actor, filter, items.Count, "predictions", cancellationToken).ConfigureAwait(false);
        CsvFormat.WriteRow(writer, "prediction_id", "study_id", "created_at_utc", "uploaded_by", "file_name", "scheme",
            "decrypted_for_inference", "model", "label", "tumor", "tumor_probability", "latency_ms", "device", "series_id", "slice", "tumor_threshold");
        foreach (PredictionRow r in items)
        {
            CsvFormat.WriteRow(writer,
                r.Id.ToString(CultureInfo.InvariantCulture),
                r.StudyId.ToString("D"),
                Instant(r.CreatedAt),
                CsvFormat.Field(r.UploadedBy),
                CsvFormat.Field(r.FileName),
                CsvFormat.Field(r.Scheme),
                Flag(r.DecryptedForInference),
                CsvFormat.Field(r.Model),
                CsvFormat.Field(r.Label),
                Flag(r.Tumor),
                CsvFormat.Field(r.TumorProbability, "0.######"),
                CsvFormat.Field(r.LatencyMilliseconds, "0.###"),
                CsvFormat.Field(r.Device),
                r.SeriesId?.ToString("D") ?? "",
                r.SliceIndex?.ToString(CultureInfo.InvariantCulture) ?? "",
                Threshold(r.TumorThreshold));
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return items.Count;
    }

    /// <summary>
    /// Writes the header and every study (a single image, or a series as one row) in the filter's model or the
    /// ensemble's: its slices, how many read as tumor, the slice with the highest P(tumor) and the operating point it
    /// was decided at. A row's <c>study_id</c> is the per-prediction export's <c>study</c> filter for its slices.
    /// </summary>
    /// <inheritdoc cref="RunAsync" path="/exception"/>
    public async Task<int> StudiesAsync(Actor actor, HistoryFilter filter, TextWriter writer, CancellationToken cancellationToken)
    {
        await AdmitAsync(actor, filter, writer, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<StudyRow> items = (await predictions.StudyPageAsync(filter, Classifier.EnsembleName, 1, MaxExportRows + 1, cancellationToken).ConfigureAwait(false)).Items;
        await RecordAsync(actor, filter, items.Count, "studies", cancellationToken).ConfigureAwait(false);
        CsvFormat.WriteRow(writer, "study_id", "series", "created_at_utc", "uploaded_by", "file_name", "scheme", "decrypted_for_inference",
            "model", "slices", "tumor_slices", "tumor", "max_tumor_probability", "max_slice", "max_slice_study_id", "tumor_threshold");
        foreach (StudyRow r in items)
        {
            CsvFormat.WriteRow(writer,
                r.Id.ToString("D"),
                Flag(r.IsSeries),
                Instant(r.CreatedAt),
                CsvFormat.Field(r.UploadedBy),
                CsvFormat.Field(r.FileName),
                CsvFormat.Field(r.Scheme),
                Flag(r.DecryptedForInference),
                CsvFormat.Field(r.Model),
                r.Slices.ToString(CultureInfo.InvariantCulture),
                r.TumorSlices.ToString(CultureInfo.InvariantCulture),
                Flag(r.Tumor),
                CsvFormat.Field(r.TumorProbability, "0.######"),
                r.SliceIndex?.ToString(CultureInfo.InvariantCulture) ?? "",
                r.ShownStudyId.ToString("D"),
                Threshold(r.TumorThreshold));
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return items.Count;
    }

    private async Task AdmitAsync(Actor actor, HistoryFilter filter, TextWriter writer, CancellationToken cancellationToken)
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
    }

    /// <exception cref="RejectedInputException">Over <see cref="MaxExportRows"/> rows (the export is recorded as failed).</exception>
    private async Task RecordAsync(Actor actor, HistoryFilter filter, int rows, string what, CancellationToken cancellationToken)
    {
        if (rows > MaxExportRows)
        {
            await audit.RecordAsync(actor.Name, "history.export", "predictions", AuditOutcome.Failed, $"{filter.Describe()}; over {MaxExportRows} {what}", cancellationToken).ConfigureAwait(false);
            throw new RejectedInputException($"More than {MaxExportRows:N0} {what} match: narrow the filter (a date range) and export again.");
        }

        await audit.RecordAsync(actor.Name, "history.export", "predictions", AuditOutcome.Succeeded, $"{filter.Describe()}; {rows} {what} as CSV", cancellationToken).ConfigureAwait(false);
    }

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Flag(bool value) => value ? "true" : "false";

    /// <summary>Empty for a prediction stored before its operating point was recorded.</summary>
    private static string Threshold(double? threshold) => threshold is { } t ? CsvFormat.Field(t, "0.######") : "";
}
