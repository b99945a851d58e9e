using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Domain.Imaging;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Analysis;

/// <summary>
/// The analysis of an uploaded scan: decode (format sniffed, size checked from the header), keep the original only
/// sealed, prepare it as the models expect, protect it with the chosen scheme, seal the protected image too, and
/// classify the protected pixels the way <see cref="SchemeReader"/> says. Keys are passed in explicitly; nothing is
/// stored here. Each analysis is counted, timed and traced stage by stage (<see cref="AnalysisTelemetry"/>).
/// </summary>
public sealed class StudyAnalyser(
    ImageCodec codec,
    ScanPreparation preparation,
    SchemeCatalog schemes,
    Classifier classifier,
    SchemeReader reader,
    AnalysisOptions options,
    AnalysisTelemetry? telemetry = null)
{
    private readonly AnalysisTelemetry _telemetry = telemetry ?? AnalysisTelemetry.Shared;

    /// <summary>The associated data that binds a study's sealed original to that study.</summary>
    public static byte[] OriginalContext(Guid studyId) => new EnvelopeContext($"study/{studyId:D}", "original-image").ToAssociatedData();

    /// <summary>
    /// The associated data that binds a study's sealed protected image to that study, its scheme, the scheme key's id
    /// and its nonce: a changed nonce, scheme or key id in the database makes it fail to open rather than be read with
    /// the wrong map into a plausible wrong image.
    /// </summary>
    public static byte[] ProtectedContext(Guid studyId, string schemeId, string schemeKeyId, ReadOnlySpan<byte> nonce) =>
        new EnvelopeContext($"study/{studyId:D}", $"protected-image/{schemeId}/{schemeKeyId}/{Convert.ToHexStringLower(nonce)}").ToAssociatedData();

    /// <summary>
    /// The original as the scheme protected it: prepared for the models, and RGB for a scheme that shuffles colours.
    /// The same pixels the protected image was made from, so the two compare position by position.
    /// </summary>
    public PixelImage Prepare(PixelImage original, ImageProtectionScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        PixelImage prepared = preparation.Prepare(original, classifier.InputSize);
        return scheme is ColorShufflingScheme ? PixelConversions.GrayToRgb(prepared) : prepared;
    }

    /// <exception cref="ImageRejectedException">The upload is not a usable PNG or JPEG.</exception>
    /// <exception cref="NotABrainSliceException">The upload does not look like a brain MRI slice (<see cref="BrainSliceGate"/>).</exception>
    /// <exception cref="ArgumentException">An unknown scheme or model.</exception>
    /// <exception cref="InferenceNotPermittedException">The scheme needs decryption for inference and the installation forbids it.</exception>
    public Task<StudyAnalysis> AnalyseAsync(
        Guid studyId,
        ReadOnlyMemory<byte> upload,
        string schemeId,
        SecretKey schemeKey,
        string schemeKeyId,
        MasterKey masterKey,
        IReadOnlyCollection<string>? models = null,
        CancellationToken cancellationToken = default) =>
        AnalyseAsync(studyId, () =>
        {
            PixelImage gray = codec.Decode(upload.Span, PixelFormat.Gray8);
            // Before anything is sealed, protected or classified, on the original pixels (colour included): what
            // does not look like a brain MRI slice gets no verdict.
            BrainSliceGate.Check(gray, codec.Decode(upload.Span, PixelFormat.Rgb24));
            return gray;
        }, schemeId, schemeKey, schemeKeyId, masterKey, models, cancellationToken);

    /// <summary>
    /// The same analysis of a scan decoded already (a DICOM frame, <see cref="Imaging.Dicom.DicomCodec"/>): grayscale,
    /// so the gate sees it as gray in colour too.
    /// </summary>
    /// <exception cref="NotABrainSliceException">The frame does not look like a brain MRI slice.</exception>
    public Task<StudyAnalysis> AnalyseAsync(
        Guid studyId,
        PixelImage decoded,
        string schemeId,
        SecretKey schemeKey,
        string schemeKeyId,
        MasterKey masterKey,
        IReadOnlyCollection<string>? models = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        return AnalyseAsync(studyId, () =>
        {
            BrainSliceGate.Check(decoded, PixelConversions.GrayToRgb(decoded));
            return decoded;
        }, schemeId, schemeKey, schemeKeyId, masterKey, models, cancellationToken);
    }

    private async Task<StudyAnalysis> AnalyseAsync(
        Guid studyId,
        Func<PixelImage> decode,
        string schemeId,
        SecretKey schemeKey,
        string schemeKeyId,
        MasterKey masterKey,
        IReadOnlyCollection<string>? models,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schemeKey);
        ArgumentNullException.ThrowIfNull(masterKey);
        ImageProtectionScheme scheme = schemes.Get(schemeId);
        // Timed from here: the scheme is a known id, so a tag of bounded cardinality (an unknown one is a bad request).
        using AnalysisStep analysis = _telemetry.StartAnalysis(scheme.Id);
        try
        {
            SchemeReader.EnsureReadable(scheme, options.AllowDecryptForInference);
            PixelImage original = Stage(AnalysisStages.Decode, scheme.Id, decode);
            PixelImage prepared = Stage(AnalysisStages.Prepare, scheme.Id, () => Prepare(original, scheme));
            ProtectedImage protectedImage = Stage(AnalysisStages.Protect, scheme.Id, () => scheme.Encrypt(prepared, schemeKey));

            // The original is re-encoded (which also drops any metadata the file carried) and sealed, as the protected image is.
            (byte[] sealedOriginal, byte[] sealedProtected) = Stage(AnalysisStages.Seal, scheme.Id, () => (
                EnvelopeCipher.Seal(codec.EncodePng(original), OriginalContext(studyId), masterKey),
                EnvelopeCipher.Seal(codec.EncodePng(protectedImage.Pixels), ProtectedContext(studyId, scheme.Id, schemeKeyId, protectedImage.Nonce), masterKey)));

            (Diagnosis diagnosis, bool decrypted) = await StageAsync(AnalysisStages.Infer, scheme.Id, async () =>
            {
                ModelInput input = reader.Read(scheme, protectedImage, schemeKey, options.AllowDecryptForInference);
                return (await classifier.ClassifyAsync(input.Image, input.Adaptations, models, cancellationToken).ConfigureAwait(false), input.Decrypted);
            }).ConfigureAwait(false);

            analysis.Complete();
            return Result(studyId, scheme, protectedImage, sealedProtected, sealedOriginal, original, diagnosis, decrypted);
        }
        catch (Exception e) when (analysis.Fail(e))
        {
            throw; // never reached: Fail only records
        }
    }

    private T Stage<T>(string stage, string scheme, Func<T> work)
    {
        using AnalysisStep step = _telemetry.StartStage(stage, scheme);
        try
        {
            T result = work();
            step.Complete();
            return result;
        }
        catch (Exception e) when (step.Fail(e))
        {
            throw; // never reached: Fail only records
        }
    }

    private async Task<T> StageAsync<T>(string stage, string scheme, Func<Task<T>> work)
    {
        using AnalysisStep step = _telemetry.StartStage(stage, scheme);
        try
        {
            T result = await work().ConfigureAwait(false);
            step.Complete();
            return result;
        }
        catch (Exception e) when (step.Fail(e))
        {
            throw; // never reached: Fail only records
        }
    }

    private static StudyAnalysis Result(
        Guid studyId, ImageProtectionScheme scheme, ProtectedImage protectedImage, byte[] sealedProtected, byte[] sealedOriginal, PixelImage original, Diagnosis diagnosis, bool decrypted) =>
        new(
            studyId,
            scheme.Id,
            protectedImage.Pixels,
            protectedImage.Nonce,
            sealedProtected,
            sealedOriginal,
            original.Width,
            original.Height,
            diagnosis,
            decrypted);
}
