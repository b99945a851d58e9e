using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Domain.Keys;
using MedCrypt.Domain.Studies;

namespace MedCrypt.Domain.Pacs;

/// <summary>
/// A series the PACS holds, taken in exactly once: its slices screened, protected and stored as an uploaded series
/// is (<see cref="AnalyseStudy.RunSeriesAsync"/>), under the importer's system actor, with the series' key in the
/// same transaction. The key is a keyed hash of the SeriesInstanceUID (a UID can identify a patient, so it is not
/// stored). A series taken in before is not taken in again; a refused one gets a report that says why.
/// </summary>
public sealed class ImportPacsSeries(AnalyseStudy analyse, IStudyStore studies, IKeyStore keys)
{
    public static readonly Actor Importer = Actor.System("pacs import", Roles.Staff);

    /// <param name="instances">How many slices the PACS holds of the series now: its images, a multi-frame image's frames each.</param>
    /// <param name="download">Fetches them, in order; called only when they are to be screened.</param>
    /// <exception cref="ServiceUnavailableException">No models are loaded, or the audit log cannot be written: try again later.</exception>
    public async Task<PacsImport> RunAsync(
        string seriesInstanceUid, int instances, Func<CancellationToken, Task<IReadOnlyList<SliceUpload>>> download, string schemeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seriesInstanceUid);
        ArgumentNullException.ThrowIfNull(download);
        string key = PatientPseudonym.Of(await keys.PatientPseudonymKeyAsync(cancellationToken).ConfigureAwait(false), $"pacs-series/{seriesInstanceUid}");
        // One report a state of the series: the same again (a retry, a rewound feed) is the same instance; a series that
        // grew after it was screened gets a second report that says so (the PACS does not overwrite the first).
        string reportSeries = ReportUid(key, "series");
        string ReportInstance(int count) => ReportUid(key, $"instance/{count}");
        if (await studies.ImportedSeriesAsync(key, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            IReadOnlyList<StudyDetails> filed = await studies.SeriesAsync(earlier, cancellationToken).ConfigureAwait(false);
            var known = filed.Count == 0 ? null : new SeriesDetails(earlier, filed);
            int screenedFrom = known?.Slices[0].Series?.Count ?? instances;
            string later = instances > screenedFrom
                ? $" {instances - screenedFrom} slices (images, or frames of a multi-frame image) arrived in the PACS after this series was screened and were not screened: send them as a new series."
                : "";
            return new PacsImport(known, AlreadyImported: true, null, (known is null ? Refused("it was taken in before") : Report(known)) + later, reportSeries, ReportInstance(instances));
        }

        if (instances > AnalyseStudy.MaxSeriesSlices)
        {
            // Refused before anything is fetched: a series of thousands of images is not held in memory to be refused.
            return new PacsImport(null, AlreadyImported: false, "too many images", Refused($"it has {instances} images; MedCrypt screens series of at most {AnalyseStudy.MaxSeriesSlices}."), reportSeries, ReportInstance(instances));
        }

        IReadOnlyList<SliceUpload> slices = await download(cancellationToken).ConfigureAwait(false);
        try
        {
            SeriesDetails series = await analyse.RunSeriesAsync(Importer, slices, schemeId, key, done: null, cancellationToken).ConfigureAwait(false);
            return new PacsImport(series, AlreadyImported: false, null, Report(series), reportSeries, ReportInstance(instances));
        }
        catch (ConflictException)
        {
            // Another instance took it in at the same moment: the key's row is theirs.
            return await RunAsync(seriesInstanceUid, instances, download, schemeId, cancellationToken).ConfigureAwait(false);
        }
        catch (RejectedInputException e)
        {
            return new PacsImport(null, AlreadyImported: false, e.Message, Refused(e.Message), reportSeries, ReportInstance(instances));
        }
    }

    /// <summary>A series set aside after it failed again and again (an image the PACS cannot serve, a syntax this installation cannot read): its report says so.</summary>
    public static string SetAside(string why) => Refused($"it could not be taken in after several attempts ({why}); send it again once this is mended.");

    /// <summary>What a radiologist reads in the PACS beside the images: the screening's result, and that it is not a diagnosis.</summary>
    public static string Report(SeriesDetails series)
    {
        ArgumentNullException.ThrowIfNull(series);
        StudyDetails verdict = series.Verdict;
        string notScreened = series.NotScreened > 0 ? $", {series.NotScreened} not screened (they do not look like brain MRI slices)" : "";
        // A multi-frame image's frames are slices of the series: each was screened.
        string frames = series.Slices.Any(s => s.Dicom?.Metadata.Frames > 1) ? " Multi-frame images: each frame was read as a slice." : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"MedCrypt AI screening, not a diagnosis: {(series.Tumor ? "TUMOR SUSPECTED" : "no tumor flagged")}. Highest P(tumor) {verdict.Verdict?.TumorProbability:F3} " +
            $"({verdict.Verdict?.Label}) at slice {verdict.Series?.Index} of {verdict.Series?.Count}; {series.Slices.Count(s => s.Verdict?.Tumor == true)} of {series.Slices.Count} screened slices read as tumor{notScreened}. " +
            // "No tumor flagged" is not "no tumor": the screen misses some (its held-out figures are in the model card).
            $"A slice is flagged at P(tumor) >= {verdict.Verdict?.TumorThreshold:0.######}, a screening point that misses few tumors and flags many tumor-free slices (the model card has its held-out figures); research use only. " +
            $"MedCrypt series {series.Id:D}.{frames}");
    }

    private static string Refused(string why) => $"MedCrypt AI screening: this series was not screened. {why}";

    /// <summary>A UID under the 2.25 arc (ITU-T X.667: a 128-bit number), from the series' key.</summary>
    private static string ReportUid(string key, string part)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"medcrypt/v1/pacs-report/{part}/{key}"));
        return "2.25." + new BigInteger(hash.AsSpan(0, 16), isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }
}
