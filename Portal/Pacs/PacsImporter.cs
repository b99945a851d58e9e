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

    /// <summary>How many times a series may fail to be taken in before it is set aside (and reported so), so one bad series cannot hold up the feed.</summary>
    public const int MaxAttempts = 3;

    private readonly Dictionary<long, int> _attempts = [];

    /// <summary>Series set aside by this process after <see cref="MaxAttempts"/> failures, for /health.</summary>
    public int SetAside { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string source = Source(options.Url!);
        TimeSpan wait = options.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            OrthancClient.Change? current = null;
            try
            {
                long since = await cursor.ReadAsync(source, stoppingToken) ?? await StartAsync(source, stoppingToken);
                OrthancClient.ChangePage page = await orthanc.ChangesAsync(since, stoppingToken);
                if (page.Last < since)
                {
                    // The PACS's feed is behind our place: it was reset or rebuilt. Read it again from its start; the
                    // series keys keep anything taken in before from being taken twice.
                    logger.LogWarning("The PACS's change feed ends at {Last}, before this portal's place {Since}: it was reset. Reading it again from its start.", page.Last, since);
                    Problem = $"the PACS's change feed was reset (it ends at {page.Last}, the portal had read to {since}); read again from its start";
                    await cursor.SaveAsync(source, 0, stoppingToken);
                    continue;
                }

                foreach (OrthancClient.Change change in page.Changes)
                {
                    current = change;
                    if (change.ChangeType == "StableSeries")
                    {
                        await ImportAsync(change.Id, stoppingToken);
                    }

                    await cursor.SaveAsync(source, change.Seq, stoppingToken); // after the series is done, never before
                    _attempts.Remove(change.Seq);
                    current = null;
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
                // taken in on a later attempt (nothing of it was stored, or it was stored whole). A series that fails
                // on its own account again and again is set aside, so the ones behind it are not held up for ever.
                Problem = $"{e.GetType().Name}: {e.Message}";
                logger.LogWarning("The PACS importer could not go on ({Problem}); it tries again in {Wait}.", Problem, wait);
                if (current is { } failed && !IsOutage(e) && (_attempts[failed.Seq] = _attempts.GetValueOrDefault(failed.Seq) + 1) >= MaxAttempts)
                {
                    try
                    {
                        await SetAsideAsync(source, failed, e, stoppingToken);
                    }
                    catch (Exception aside) when (!stoppingToken.IsCancellationRequested)
                    {
                        // The database went away in between: the series is tried (and set aside) again later; the importer lives on.
                        logger.LogWarning("The series could not be set aside yet: {Reason}.", aside.Message);
                    }
                }

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

    /// <summary>The PACS as the cursor names it: its URL without a trailing slash, in lower case (the same server spelled the same way).</summary>
    public static string Source(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetLeftPart(UriPartial.Path).TrimEnd('/').ToLowerInvariant();
    }

    // Orthanc or the database away: not the series' fault, so not counted against it.
    private static bool IsOutage(Exception e) => e is HttpRequestException or TaskCanceledException || Data.DatabaseOutage.Caused(e);

    private async Task SetAsideAsync(string source, OrthancClient.Change change, Exception e, CancellationToken cancellationToken)
    {
        logger.LogError("A PACS series failed {Attempts} times and is set aside: {Reason}. It is reported so in its study; send it again once this is mended.", MaxAttempts, e.Message);
        try
        {
            OrthancClient.OrthancSeries series = await orthanc.SeriesAsync(change.Id, cancellationToken);
            await orthanc.WriteReportAsync(series.Study, ImportPacsSeries.SetAside(e.Message), null, null, evidence: null, shown: null, cancellationToken);
        }
        catch (Exception report) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError("The set-aside report could not be written either: {Reason}.", report.Message);
        }

        await cursor.SaveAsync(source, change.Seq, cancellationToken);
        _attempts.Remove(change.Seq);
        SetAside++;
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
        if (!string.Equals(series.Modality, "MR", StringComparison.OrdinalIgnoreCase) || !IsHead(series.BodyPart))
        {
            return; // not a brain MR series (a knee, a spine; our own reports are SR): its images are not fetched
        }

        long started = Stopwatch.GetTimestamp();
        PacsImport result = await import.RunAsync(series.SeriesInstanceUid, series.Slices, async ct =>
        {
            var slices = new List<SliceUpload>(series.Instances.Count);
            foreach (OrthancClient.OrthancInstance instance in series.Instances)
            {
                slices.Add(new SliceUpload("pacs.dcm", await orthanc.InstanceFileAsync(instance.Id, ct)));
            }

            return slices;
        }, options.Scheme, cancellationToken);
        // Cited only while the PACS holds the images that were screened: a series that grew since has others as well.
        OrthancClient.ReportEvidence? evidence = result.Series?.Slices[0].Series?.Count == series.Slices
            ? await orthanc.EvidenceAsync(series, cancellationToken)
            : null;
        await orthanc.WriteReportAsync(series.Study, result.ReportText, result.ReportSeriesUid, result.ReportInstanceUid, evidence, Shown(series, evidence, result.Series), cancellationToken);
        SeriesImported++;
        SlicesImported += result.Series?.Slices.Count ?? 0;
        // No PACS id in the log: Orthanc's ids are hashes of the patient's and study's identifiers.
        logger.LogInformation("A PACS series was {Outcome}: MedCrypt series {Series}, {Instances} images, {Seconds:F1} s; the report is in its study.",
            result.AlreadyImported ? "taken in before" : result.Refusal is null ? "taken in" : "not screened", result.Series?.Id, series.Instances.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>The image (and its frame, in a multi-frame one) of the slice that drove the verdict: the slices are the instances' frames in order.</summary>
    private static (OrthancClient.ReportImage Image, int? Frame)? Shown(OrthancClient.OrthancSeries series, OrthancClient.ReportEvidence? evidence, SeriesDetails? screened)
    {
        if (evidence is null || screened?.Verdict.Series is not { } position)
        {
            return null;
        }

        int slice = position.Index;
        for (int i = 0; i < series.Instances.Count; i++)
        {
            int frames = series.Instances[i].Frames;
            if (slice <= frames)
            {
                return (evidence.Images[i], frames > 1 ? slice : null);
            }

            slice -= frames;
        }

        return null;
    }

    /// <summary>A series says what it shows in Body Part Examined, when it says it at all: one that names another part is not a brain's.</summary>
    private static bool IsHead(string? bodyPart) => string.IsNullOrWhiteSpace(bodyPart) || bodyPart.Trim().ToUpperInvariant() is "HEAD" or "BRAIN" or "SKULL" or "HEADNECK";
}
