using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Domain.Keys;
using MedCrypt.Domain.Transfer;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Studies;

/// <summary>
/// Analyse an upload: who may, the keys, the analysis (<see cref="StudyAnalyser"/>), and storing the study, its
/// predictions and its audit entry in one transaction. Refusals are audited; nothing is half-written.
/// A DICOM upload is de-identified on the way in: only its pixels are kept (sealed, as a PNG's), and its file name —
/// which hospital exports often make from the patient's name or ID — is replaced by a neutral one from the modality and
/// the patient's pseudonym (<see cref="PatientPseudonym"/>), in the study and in every audit entry.
/// </summary>
public sealed class AnalyseStudy(ModelRuntime models, SchemeCatalog schemes, IKeyStore keys, AccessGuard guard, AuditLog audit, IStudyStore store, DicomCodec dicom, TimeProvider clock)
{
    /// <summary>The name a DICOM upload is audited under until its header is read (the client's name is never used).</summary>
    public const string UndecodedDicomName = "upload.dcm";

    public const int MaxUploadBytes = 20 * 1024 * 1024;

    /// <exception cref="AccessDeniedException">The actor may not analyse.</exception>
    /// <exception cref="RejectedInputException">Not a usable PNG, JPEG or DICOM file, an unknown scheme, or one this installation will not read.</exception>
    /// <exception cref="NotABrainSliceException">Not a brain MRI slice: not screened, audited as <c>study.rejected</c>, nothing stored.</exception>
    /// <exception cref="ServiceUnavailableException">No models are loaded.</exception>
    public Task<StudyDetails> RunAsync(Actor actor, string fileName, ReadOnlyMemory<byte> upload, string schemeId, CancellationToken cancellationToken) =>
        RunAsync(actor, fileName, upload, schemeId, receipt: null, cancellationToken);

    /// <summary>As an upload, for a study that arrived in a transfer package (<see cref="ReceiveStudy"/>): its original PNG, stored with <paramref name="receipt"/>.</summary>
    internal async Task<StudyDetails> RunAsync(Actor actor, string fileName, ReadOnlyMemory<byte> upload, string schemeId, StudyReceipt? receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        string name = AuditName(fileName, upload, receipt);
        await guard.DemandAsync(actor, Permission.Analyse, "study.upload", name, cancellationToken: cancellationToken).ConfigureAwait(false);
        Setup setup = await SetUpAsync(actor, "study.upload", name, schemeId, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SliceSource> read = await ReadAsync(actor, fileName, upload, receipt, file: 0, MaxSeriesSlices, cancellationToken).ConfigureAwait(false);
        if (read.Count > 1)
        {
            // An enhanced multi-frame file is a series in one file: every frame is screened as a slice, and the study
            // shown is the slice that drove the series' verdict (its series names the rest).
            return (await AnalyseSeriesAsync(actor, Guid.NewGuid(), read, setup, importKey: null, done: null, cancellationToken).ConfigureAwait(false)).Verdict;
        }

        PreparedStudy prepared = await PrepareAsync(actor, read[0], setup, receipt, series: null, cancellationToken).ConfigureAwait(false);
        ModelPrediction verdict = prepared.Verdict;
        string decrypted = prepared.Study.DecryptedForInference ? ", decrypted for inference" : "";
        using AnalysisStep commit = AnalysisTelemetry.Shared.StartStage(AnalysisStages.Commit, setup.Scheme.Id);
        string received = receipt is null ? "" : $"{receipt.Describe()}; ";
        Guid id = prepared.Study.Id;
        await audit.RecordAsync(actor.Name, receipt is null ? "study.analysed" : "study.received", StudyAccess.Subject(id), AuditOutcome.Succeeded,
            $"{received}{setup.Scheme.Id}{decrypted}; ensemble: {verdict.Label}, P(tumor) {verdict.TumorProbability:F3}, {(verdict.Tumor ? "tumor" : "no tumor")}",
            async (entry, ct) =>
            {
                SealedStudy images = await UnderCurrentMasterKeyAsync(prepared.Images, setup, ct).ConfigureAwait(false);
                await store.AddAsync(prepared.Study, images, entry, receipt is null ? null : new ReceivedPackage(receipt.Sender.Card.SigningFingerprint, receipt.PackageId, id, receipt.Sender.Id, entry.At), ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        commit.Complete();
        return prepared.Study;
    }

    /// <summary>
    /// A series: several slices (PNG, JPEG or DICOM; a multi-frame DICOM file gives a slice a frame), each screened,
    /// protected and sealed as an upload is, stored together in one transaction with one audit entry naming the
    /// series' verdict (the slice with the highest P(tumor)). A slice the brain-slice gate stops is not screened and not
    /// stored (the others are); a slice that is not a readable image refuses the series, and nothing of it is stored.
    /// </summary>
    /// <param name="done">Told of each slice as it is read, for a page's progress.</param>
    /// <exception cref="RejectedInputException">Fewer than two or more than <see cref="MaxSeriesSlices"/> slices, over <see cref="MaxSeriesBytes"/>, a slice that cannot be read (the message names it), or no brain slice at all.</exception>
    public Task<SeriesDetails> RunSeriesAsync(Actor actor, IReadOnlyList<SliceUpload> slices, string schemeId, IProgress<SliceRead>? done, CancellationToken cancellationToken) =>
        RunSeriesAsync(actor, slices, schemeId, importKey: null, done, cancellationToken);

    /// <inheritdoc cref="RunSeriesAsync(Actor, IReadOnlyList{SliceUpload}, string, IProgress{SliceRead}?, CancellationToken)"/>
    public Task<SeriesDetails> RunSeriesAsync(Actor actor, IReadOnlyList<SliceUpload> slices, string schemeId, CancellationToken cancellationToken) =>
        RunSeriesAsync(actor, slices, schemeId, importKey: null, done: null, cancellationToken);

    /// <summary>As an upload, for a series taken from the PACS (<see cref="Pacs.ImportPacsSeries"/>): one slice is a series too, and <paramref name="importKey"/> is stored with it.</summary>
    /// <exception cref="ConflictException">A series with that key was stored at the same moment; nothing was stored.</exception>
    internal async Task<SeriesDetails> RunSeriesAsync(
        Actor actor, IReadOnlyList<SliceUpload> slices, string schemeId, string? importKey, IProgress<SliceRead>? done, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(slices);
        var seriesId = Guid.NewGuid();
        string subject = SeriesSubject(seriesId);
        await guard.DemandAsync(actor, Permission.Analyse, "series.upload", subject, cancellationToken: cancellationToken).ConfigureAwait(false);
        int fewest = importKey is null ? 2 : 1;
        if (slices.Count < fewest || slices.Count > MaxSeriesSlices || slices.Sum(s => (long)s.Bytes.Length) > MaxSeriesBytes)
        {
            var size = new RejectedInputException($"A series has {fewest} to {MaxSeriesSlices} slices and at most {MaxSeriesBytes / 1_048_576} MB; this one has {slices.Count} slices.");
            await audit.RecordAsync(actor.Name, "series.upload", subject, AuditOutcome.Denied, size.Message, cancellationToken).ConfigureAwait(false);
            throw size;
        }

        Setup setup = await SetUpAsync(actor, "series.upload", subject, schemeId, cancellationToken).ConfigureAwait(false);
        var read = new List<SliceSource>(slices.Count);
        for (int i = 0; i < slices.Count; i++)
        {
            try
            {
                // The series' room left bounds each file's frames before it is decoded: many small files each claiming
                // hundreds of frames are refused at the header, not held in memory to be counted.
                // Each later file keeps room for one slice at least, so the series never holds more than it may.
                read.AddRange(await ReadAsync(actor, slices[i].FileName, slices[i].Bytes, receipt: null, i, MaxSeriesSlices - read.Count - (slices.Count - i - 1), cancellationToken).ConfigureAwait(false));
            }
            catch (RejectedInputException e)
            {
                throw await RefusedAsync(actor, subject, new RejectedInputException($"File {i + 1} of {slices.Count}: {e.Message} Nothing of the series was stored.", e) { Unprocessable = true }, cancellationToken).ConfigureAwait(false);
            }
        }

        // One series is one patient's: the files are refused together if their headers name several patients, or if
        // DICOM files come with PNG or JPEG images, whose patient nothing names (an outside review mixed both).
        int patients = read.Select(s => s.Patient).OfType<string>().Distinct(StringComparer.Ordinal).Count();
        bool mixed = read.Any(s => s.Dicom is null) && read.Any(s => s.Dicom is not null);
        bool unnamed = patients > 0 && read.Any(s => s.Dicom is not null && s.Patient is null);
        if (patients > 1 || mixed || unnamed)
        {
            string why = patients > 1 ? $"The files name {patients} different patients in their DICOM headers; a series is one patient's."
                : mixed ? "The series mixes DICOM files with PNG or JPEG images, whose patient nothing names; send one or the other."
                : "Some DICOM files name the patient and some name none (no Patient ID): those cannot be known to be the same patient's.";
            throw await RefusedAsync(actor, subject, new RejectedInputException($"{why} Nothing of the series was stored.") { Unprocessable = true }, cancellationToken).ConfigureAwait(false);
        }

        return await AnalyseSeriesAsync(actor, seriesId, read, setup, importKey, done, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each slice screened and protected, then the series stored in one transaction with one entry; the upload's checks are behind it.</summary>
    private async Task<SeriesDetails> AnalyseSeriesAsync(
        Actor actor, Guid seriesId, IReadOnlyList<SliceSource> slices, Setup setup, string? importKey, IProgress<SliceRead>? done, CancellationToken cancellationToken)
    {
        string subject = SeriesSubject(seriesId);
        var prepared = new List<PreparedStudy>(slices.Count);
        var gated = new List<string>();
        for (int i = 0; i < slices.Count; i++)
        {
            try
            {
                prepared.Add(await PrepareAsync(actor, slices[i], setup, receipt: null, new SeriesPosition(seriesId, i + 1, slices.Count), cancellationToken).ConfigureAwait(false));
                done?.Report(new SliceRead(slices[i].File, Screened: true));
            }
            catch (NotABrainSliceException e)
            {
                gated.Add(e.Reason);
                // A series' first and last slices are often skull cap or neck, not brain: that slice is not screened
                // (its own study.rejected entry says so), the rest are. A file that cannot be read refuses the series.
                done?.Report(new SliceRead(slices[i].File, Screened: false));
            }
            catch (RejectedInputException e)
            {
                // The slice's own entry says why; the series is one refusal more, and nothing of it is stored.
                throw await RefusedAsync(actor, subject, new RejectedInputException($"Slice {i + 1} of {slices.Count}: {e.Message} Nothing of the series was stored.", e) { Unprocessable = true }, cancellationToken).ConfigureAwait(false);
            }
        }

        if (prepared.Count == 0)
        {
            // A refusal by the gate, as one slice's is (the check most slices failed): a client tells it from a broken file.
            string check = gated.GroupBy(r => r, StringComparer.Ordinal).MaxBy(g => g.Count())!.Key;
            var none = new NotABrainSliceException(check, $"None of the {slices.Count} slices looks like a brain MRI slice: the series is not screened, and nothing of it was stored.")
            {
                Unprocessable = true,
            };
            throw await RefusedAsync(actor, subject, none, cancellationToken).ConfigureAwait(false);
        }

        var series = new SeriesDetails(seriesId, [.. prepared.Select(p => p.Study)]);
        using AnalysisStep commit = AnalysisTelemetry.Shared.StartStage(AnalysisStages.Commit, setup.Scheme.Id);
        await audit.RecordAsync(actor.Name, "series.analysed", subject, AuditOutcome.Succeeded, $"{slices.Count} slices, {setup.Scheme.Id}; {series.Describe()}",
            async (entry, ct) =>
            {
                var sealedSlices = new List<(StudyDetails, SealedStudy)>(prepared.Count);
                foreach (PreparedStudy slice in prepared)
                {
                    sealedSlices.Add((slice.Study, await UnderCurrentMasterKeyAsync(slice.Images, setup, ct).ConfigureAwait(false)));
                }

                await store.AddSeriesAsync(sealedSlices, entry, importKey, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        commit.Complete();
        return series;
    }

    /// <summary>A series' refusal, audited, for the caller to throw.</summary>
    private async Task<RejectedInputException> RefusedAsync(Actor actor, string subject, RejectedInputException refusal, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(actor.Name, "series.upload", subject, AuditOutcome.Denied, refusal.Message, cancellationToken).ConfigureAwait(false);
        return refusal;
    }

    public const int MaxSeriesSlices = 512;

    public const long MaxSeriesBytes = 256L * 1024 * 1024;

    public static string SeriesSubject(Guid id) => $"series/{id:D}";

    /// <summary>The name an upload is audited and stored under before (and unless) its content gives a neutral one.</summary>
    private static string AuditName(string fileName, ReadOnlyMemory<byte> upload, StudyReceipt? receipt) =>
        // A DICOM file's own name often carries the patient's (exports name files so): it is never kept, whether or
        // not the content turns out to be a Part 10 file. Nor is a sender's name for a study it sent, for the same reason.
        receipt is not null ? ReceivedName(receipt)
        : DicomReader.IsDicom(upload.Span) || LooksLikeDicomName(fileName) ? UndecodedDicomName : SafeName(fileName);

    private static string ReceivedName(StudyReceipt receipt) => $"received-{receipt.PackageId:N}"[..17] + ".png";

    /// <summary>The scheme, the models and the keys, once per upload or series; refusals audited under <paramref name="subject"/>.</summary>
    private async Task<Setup> SetUpAsync(Actor actor, string action, string subject, string schemeId, CancellationToken cancellationToken)
    {
        if (!schemes.TryGet(schemeId, out ImageProtectionScheme? scheme))
        {
            var unknown = new RejectedInputException($"Unknown scheme '{schemeId}'. Schemes: {string.Join(", ", schemes.All.Select(s => s.Id))}.");
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Denied, unknown.Message, cancellationToken).ConfigureAwait(false);
            throw unknown;
        }

        LoadedModels loaded;
        try
        {
            loaded = models.Require();
        }
        catch (ServiceUnavailableException e)
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Failed, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }

        (string keyId, SecretKey key) = await keys.ActiveSchemeKeyAsync(scheme.Id, cancellationToken).ConfigureAwait(false);
        return new Setup(scheme, loaded, keyId, key, await keys.CurrentMasterKeyAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// One upload as the slices to screen, a refusal audited under its name: a PNG or JPEG as sent (decoded by the
    /// analysis), a DICOM file decoded here, de-identified (its pseudonym and neutral name), one slice a frame.
    /// </summary>
    /// <param name="file">The upload's place among the files sent (0-based), for progress.</param>
    /// <param name="maxFrames">The slices the series has room for: a multi-frame file with more is refused from its header.</param>
    private async Task<IReadOnlyList<SliceSource>> ReadAsync(
        Actor actor, string fileName, ReadOnlyMemory<byte> upload, StudyReceipt? receipt, int file, int maxFrames, CancellationToken cancellationToken)
    {
        string name = AuditName(fileName, upload, receipt);
        try
        {
            if (upload.Length == 0 || upload.Length > MaxUploadBytes)
            {
                throw new RejectedInputException(upload.Length == 0 ? "The file is empty." : $"The file is over {MaxUploadBytes / 1_048_576} MB.");
            }

            if (receipt is not null || !DicomReader.IsDicom(upload.Span))
            {
                if (receipt?.Manifest.Dicom is { } sent)
                {
                    RefuseWhatIsNotMr(sent.Bounded()); // what the sender's header said, bounded, held to the rule an upload's is
                }

                return [new SliceSource(name, upload, Frame: null, Dicom: null, file)];
            }

            DicomImage image = await DecodeDicomAsync(actor, upload, name, maxFrames, cancellationToken).ConfigureAwait(false);
            RefuseWhatIsNotOneMrSlice(image);
            // Without a real Patient ID the study is its own patient: a random pseudonym, never grouped with others'.
            string pseudonym = image.PatientKey is { } patient
                ? PatientPseudonym.Of(await keys.PatientPseudonymKeyAsync(cancellationToken).ConfigureAwait(false), patient)
                : PatientPseudonym.Ungrouped();
            var dicomInfo = new DicomStudyInfo(pseudonym, image.Metadata);
            string neutral = NeutralName(image.Metadata, pseudonym);
            return [.. image.Frames.Select(frame => new SliceSource(neutral, ReadOnlyMemory<byte>.Empty, frame, dicomInfo, file, image.PatientKey is null ? null : pseudonym))];
        }
        catch (RejectedInputException e)
        {
            await audit.RecordAsync(actor.Name, "study.upload", name, AuditOutcome.Denied, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One slice screened, protected and sealed, not yet stored; a refusal is audited under its name.</summary>
    private async Task<PreparedStudy> PrepareAsync(
        Actor actor, SliceSource source, Setup setup, StudyReceipt? receipt, SeriesPosition? series, CancellationToken cancellationToken)
    {
        (ImageProtectionScheme scheme, LoadedModels loaded, string keyId, SecretKey key, MasterKey master) = setup;
        var id = Guid.NewGuid();
        string name = source.Name;
        StudyAnalysis analysis;
        DicomStudyInfo? dicomInfo = source.Dicom;
        try
        {
            if (source.Frame is { } frame)
            {
                analysis = await loaded.Analyser.AnalyseAsync(id, frame, scheme.Id, key, keyId, master, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (receipt?.Manifest is { Dicom: { } metadata } manifest)
                {
                    // The sender's pseudonym keyed again under this installation's key: one patient's studies from one
                    // sender group together here, and the sender's own pseudonym is not stored (nor its name for the
                    // study, which carries it). The sender's header values are held to an upload's limits.
                    dicomInfo = new DicomStudyInfo(
                        manifest.PatientPseudonym is { } theirs
                            ? PatientPseudonym.Of(await keys.PatientPseudonymKeyAsync(cancellationToken).ConfigureAwait(false), $"transfer/{receipt.Sender.Card.SigningFingerprint}/{theirs}")
                            : PatientPseudonym.Ungrouped(),
                        metadata.Bounded());
                    name = NeutralName(dicomInfo.Metadata, dicomInfo.PatientPseudonym);
                }

                analysis = await loaded.Analyser.AnalyseAsync(id, source.Upload, scheme.Id, key, keyId, master, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (NotABrainSliceException e)
        {
            // Not screened and nothing stored but this entry: no study, no image. What was sent is not a scan (it may be
            // a photograph or a document), so keeping it would hold personal data for no clinical use; the entry says
            // who sent which file and why it was refused. The gate runs before anything is sealed, so nothing is half-written.
            await audit.RecordAsync(actor.Name, "study.rejected", name, AuditOutcome.Denied, $"not a brain MRI slice ({e.Reason})", cancellationToken).ConfigureAwait(false);
            throw;
        }
        catch (RejectedInputException e)
        {
            await audit.RecordAsync(actor.Name, "study.upload", name, AuditOutcome.Denied, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }

        var study = new StudyDetails(
            id, clock.GetUtcNow(), actor.Name, name, scheme.Id, analysis.OriginalWidth, analysis.OriginalHeight, analysis.DecryptedForInference,
            [.. analysis.Diagnosis.Models.Append(analysis.Diagnosis.Ensemble).Select(View)], dicomInfo, series);
        return new PreparedStudy(study, new SealedStudy(id, scheme.Id, keyId, analysis.ProtectedNonce, analysis.SealedProtected, analysis.SealedOriginal), analysis.Diagnosis.Ensemble);
    }

    /// <summary>
    /// A master-key rotation may have re-wrapped the stored images while this one was analysed: it is stored under
    /// the key that is current now, so a rotation leaves none behind under a retired key. (Called again if another
    /// writer took the audit sequence number: it starts from the key the images were sealed under each time.)
    /// </summary>
    private async Task<SealedStudy> UnderCurrentMasterKeyAsync(SealedStudy images, Setup setup, CancellationToken cancellationToken)
    {
        MasterKey current = await keys.CurrentMasterKeyAsync(cancellationToken).ConfigureAwait(false);
        return current.Id == setup.Master.Id ? images : images with
        {
            SealedOriginal = EnvelopeCipher.Rewrap(images.SealedOriginal, setup.Master, current),
            SealedProtected = EnvelopeCipher.Rewrap(images.SealedProtected, setup.Master, current),
        };
    }

    private sealed record Setup(ImageProtectionScheme Scheme, LoadedModels Loaded, string KeyId, SecretKey Key, MasterKey Master);

    private sealed record PreparedStudy(StudyDetails Study, SealedStudy Images, ModelPrediction Verdict);

    /// <summary>One slice to screen: an upload's bytes as sent (PNG, JPEG), or a DICOM frame already decoded with what its header gave.</summary>
    /// <param name="Patient">The pseudonym of the patient the DICOM header names; null when it names none (or not DICOM).</param>
    private sealed record SliceSource(string Name, ReadOnlyMemory<byte> Upload, PixelImage? Frame, DicomStudyInfo? Dicom, int File, string? Patient = null);

    /// <summary>A DICOM study's name: the modality and the first 8 hex digits of the pseudonym, nothing from the client.</summary>
    public static string NeutralName(DicomMetadata metadata, string pseudonym)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(pseudonym);
        return $"dicom-{metadata.Modality.ToLowerInvariant()}-{pseudonym[..8]}.dcm";
    }

    /// <summary>A modality other than MR ("OT", other, is left to the pixel gate): for an upload's header and a received package's.</summary>
    private static void RefuseWhatIsNotMr(DicomMetadata metadata)
    {
        string modality = metadata.Modality.ToUpperInvariant(); // CS values are upper case; a writer that ignores it is not a CT
        if (modality is not ("MR" or "OT"))
        {
            throw new NotABrainSliceException("modality", $"The DICOM file is modality {modality}, not MR: MedCrypt screens brain MRI slices only, so it was not screened.") { Unprocessable = true };
        }
    }

    /// <summary>
    /// What the header says is not one MR slice is not screened, whatever its pixels look like: another modality (CT,
    /// ultrasound, X-ray; "OT", other, is left to the pixel gate) or a mosaic of slices tiled in one image.
    /// </summary>
    private static void RefuseWhatIsNotOneMrSlice(DicomImage image)
    {
        if (!image.NamesModality)
        {
            throw new NotABrainSliceException("modality", "The DICOM file names no modality (a required attribute), so it is not known to be MR and was not screened.") { Unprocessable = true };
        }

        RefuseWhatIsNotMr(image.Metadata);
        if (image.Mosaic)
        {
            throw new NotABrainSliceException("mosaic",
                "The DICOM image is a mosaic: several slices tiled in one image (ImageType MOSAIC or VFRAME), which the models cannot read as one slice, so it was not screened. Export the series one image a slice.")
            {
                Unprocessable = true,
            };
        }
    }

    /// <summary>Reads the DICOM file; a refusal is audited under the neutral placeholder name (it is a refusal like a damaged PNG's).</summary>
    private async Task<DicomImage> DecodeDicomAsync(Actor actor, ReadOnlyMemory<byte> upload, string name, int maxFrames, CancellationToken cancellationToken)
    {
        try
        {
            return dicom.Decode(upload, maxFrames, cancellationToken);
        }
        catch (ServiceUnavailableException e)
        {
            await audit.RecordAsync(actor.Name, "study.upload", name, AuditOutcome.Failed, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Names DICOM exports use: a .dcm, .dicom or .ima extension, or a bare UID (its "extension" all digits).</summary>
    public static bool LooksLikeDicomName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        string extension = Path.GetExtension(fileName.Replace('\\', '/')).ToLowerInvariant();
        return extension is ".dcm" or ".dicom" or ".ima" || (extension.Length > 1 && extension[1..].All(char.IsAsciiDigit));
    }

    /// <summary>A display name only: no folders, no control characters, at most 128 characters.</summary>
    public static string SafeName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        string name = Path.GetFileName(fileName.Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c))]).Trim();
        return name.Length == 0 ? "upload" : name.Length > 128 ? name[..128] : name;
    }

    private static PredictionView View(ModelPrediction p) =>
        new(p.Model, p.Label, p.Tumor, p.TumorProbability, p.Probabilities, p.Latency.TotalMilliseconds, p.Device, p.TumorThreshold);
}
