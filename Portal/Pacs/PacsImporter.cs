using System.Diagnostics;
using MedCrypt.Domain.Pacs;
using MedCrypt.Domain.Studies;

namespace MedCrypt.Portal.Pacs;

/// <summary>
/// Follows Orthanc's change feed and takes in each MR series once it is stable (no instance arrived for Orthanc's
/// StableAge): the slices in instance order, one MedCrypt series, the result written back into the same DICOM study
/// as a Structured Report. The place in the feed is saved after each series is done, and each series is stored with
/// its key in one transaction, so a restart at any moment resumes with nothing taken twice and nothing skipped.
/// While Orthanc is unreachable it backs off (doubling up to <see cref="PacsOptions.MaxBackoff"/>) and the portal goes
/// on; /health says so.
/// </summary>
internal sealed class PacsImporter(PacsOptions options, OrthancClient orthanc, PacsCursor cursor, ImportPacsSeries import, ILogger<PacsImporter> logger) : BackgroundService
{
    /// <summary>Why the last attempt failed (Orthanc unreachable, a series that could not be read); null after a good poll.</summary>
    public string? Problem { get; private set; }

    public DateTimeOffset? LastPoll { get; private set; }

    /// <summary>Series taken in (or found taken in) by this process, and slices among them: for the throughput figure.</summary>
    public int SeriesImported { get; private set; }

    public int SlicesImported { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string source = options.Url!.ToString();
        TimeSpan wait = options.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                long since = await cursor.ReadAsync(source, stoppingToken) ?? await StartAsync(source, stoppingToken);
                OrthancClient.ChangePage page = await orthanc.ChangesAsync(since, stoppingToken);
                foreach (OrthancClient.Change change in page.Changes)
                {
                    if (change.ChangeType == "StableSeries")
                    {
                        await ImportAsync(change.Id, stoppingToken);
                    }

                    await cursor.SaveAsync(source, change.Seq, stoppingToken); // after the series is done, never before
                }

                if (page.Changes.Count == 0 && page.Last > since)
                {
                    await cursor.SaveAsync(source, page.Last, stoppingToken);
                }

                Problem = null;
                LastPoll = DateTimeOffset.UtcNow;
                wait = options.PollInterval;
                if (!page.Done)
                {
                    continue; // more changes are waiting
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Orthanc away, the database away, no models yet: whatever it is, the series waits in the PACS and is
                // taken in on a later attempt (nothing of it was stored, or it was stored whole).
                Problem = $"{e.GetType().Name}: {e.Message}";
                logger.LogWarning("The PACS importer could not go on ({Problem}); it tries again in {Wait}.", Problem, wait);
                wait = TimeSpan.FromTicks(Math.Min(options.MaxBackoff.Ticks, wait.Ticks * 2));
            }

            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The first time this PACS is followed: from the feed's end (or its beginning, <see cref="PacsOptions.FromStart"/>).</summary>
    private async Task<long> StartAsync(string source, CancellationToken cancellationToken)
    {
        long start = options.FromStart ? 0 : await orthanc.LastChangeAsync(cancellationToken);
        await cursor.SaveAsync(source, start, cancellationToken);
        logger.LogInformation("Following the PACS at {Source} from change {Start}.", source, start);
        return start;
    }

    private async Task ImportAsync(string seriesId, CancellationToken cancellationToken)
    {
        OrthancClient.OrthancSeries series = await orthanc.SeriesAsync(seriesId, cancellationToken);
        if (!string.Equals(series.Modality, "MR", StringComparison.OrdinalIgnoreCase))
        {
            return; // not a brain MR series (our own reports are SR): nothing to screen
        }

        long started = Stopwatch.GetTimestamp();
        var slices = new List<SliceUpload>(series.Instances.Count);
        foreach (string instance in series.Instances)
        {
            slices.Add(new SliceUpload($"{instance}.dcm", await orthanc.InstanceFileAsync(instance, cancellationToken)));
        }

        PacsImport result = await import.RunAsync(series.SeriesInstanceUid, slices, options.Scheme, cancellationToken);
        await orthanc.WriteReportAsync(series.Study, result.ReportText, result.ReportSeriesUid, result.ReportInstanceUid, cancellationToken);
        SeriesImported++;
        SlicesImported += slices.Count;
        logger.LogInformation("PACS series {Series}: {Outcome} ({Slices} slices, {Seconds:F1} s); the report is in the study.",
            series.Id, result.AlreadyImported ? "taken in before" : result.Refusal is null ? "taken in" : "not screened", slices.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
