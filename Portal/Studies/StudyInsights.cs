using MedCrypt.Domain.Access;
using System.Security.Claims;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Metrics;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Keys;
using MedCrypt.Inference.Classification;
using MedCrypt.Portal.Data;

namespace MedCrypt.Portal.Studies;

/// <summary>
/// The viewer's extras, computed on request: the security metrics of a protected image against the original it was
/// made from (doctors only, since it opens the original; audited like viewing it), and the occlusion heat map of a
/// model's reading of the protected pixels (staff, doctors, admins; audited).
/// </summary>
public sealed class StudyInsights(
    StudyWorkflow studies, StudyAnalyser analyser, SchemeCatalog schemes, IKeyStore keys, ImageCodec codec, Classifier classifier, SchemeReader reader, AuditLog audit)
{
    /// <summary>The models a heat map can be drawn for.</summary>
    public IReadOnlyList<string> Models => [.. classifier.Models.Select(m => m.Name)];

    /// <exception cref="UnauthorizedAccessException">The user is not a doctor.</exception>
    /// <exception cref="KeyNotFoundException">No such study.</exception>
    public async Task<SecurityReport> MeasureAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
    {
        string actor = Actor(user);
        if (!user.IsInRole(Roles.Doctor))
        {
            await audit.RecordAsync(actor, "original.metrics", $"study/{id:D}", AuditOutcome.Denied, "only doctors measure against originals", cancellationToken);
            throw new UnauthorizedAccessException("Only doctors may measure a protected image against its original.");
        }

        StudyRecord study = await studies.FindAsync(id, cancellationToken) ?? throw new KeyNotFoundException($"No study {id}.");
        ImageProtectionScheme scheme = schemes.Get(study.SchemeId);
        PixelImage original = ImageCodec.ForStoredImages.Decode(await studies.UnsealOriginalAsync(study, cancellationToken), PixelFormat.Gray8);
        PixelImage prepared = analyser.Prepare(original, scheme);
        PixelImage protectedPixels = ImageCodec.ForStoredImages.Decode(await studies.UnsealProtectedAsync(study, cancellationToken), prepared.Format);
        SecurityReport report = SecurityMetrics.Measure(prepared, protectedPixels);
        await audit.RecordAsync(actor, "original.metrics", $"study/{id:D}", AuditOutcome.Succeeded,
            $"NPCR {report.Npcr:F2} %, UACI {report.Uaci:F2} %, entropy {report.Entropy:F4}", cancellationToken);
        return report;
    }

    /// <summary>The heat map as a PNG the size of the protected image (black where hiding a patch changes nothing, for a screen blend).</summary>
    /// <exception cref="UnauthorizedAccessException">Auditors (and anyone without a clinical role).</exception>
    /// <exception cref="KeyNotFoundException">No such study.</exception>
    /// <exception cref="InvalidOperationException">The models read this scheme only after decryption.</exception>
    public async Task<Explanation> ExplainAsync(ClaimsPrincipal user, Guid id, string? model, CancellationToken cancellationToken)
    {
        string actor = Actor(user);
        if (!(user.IsInRole(Roles.Staff) || user.IsInRole(Roles.Doctor) || user.IsInRole(Roles.Admin)))
        {
            await audit.RecordAsync(actor, "study.explain", $"study/{id:D}", AuditOutcome.Denied, "role may not see images", cancellationToken);
            throw new UnauthorizedAccessException("Only staff, doctors and administrators may see explanations.");
        }

        StudyRecord study = await studies.FindAsync(id, cancellationToken) ?? throw new KeyNotFoundException($"No study {id}.");
        ImageProtectionScheme scheme = schemes.Get(study.SchemeId);
        if (!scheme.IsModelReadable)
        {
            // Its map would be drawn from the decrypted pixels: it would outline the original's anatomy for anyone.
            throw new InvalidOperationException($"The models read '{scheme.Id}' only after decrypting it, so no heat map is drawn over its protected image.");
        }

        // A scheme that moves pixels across the image gives a map in the original's coordinates: it shows where the
        // anatomy is, so only those who may see the original get it, drawn over the original.
        bool overOriginal = scheme.Kind == ProtectionKind.Encryption;
        if (overOriginal && !user.IsInRole(Roles.Doctor))
        {
            await audit.RecordAsync(actor, "study.explain", $"study/{id:D}", AuditOutcome.Denied, "the map would show the original's anatomy", cancellationToken);
            throw new UnauthorizedAccessException($"'{scheme.Id}' moves every pixel, so its heat map is drawn over the original: only doctors see it.");
        }

        string name = model ?? classifier.Models[0].Name;
        PixelImage pixels = ImageCodec.ForStoredImages.Decode(await studies.UnsealProtectedAsync(study, cancellationToken), scheme is ColorShufflingScheme ? PixelFormat.Rgb24 : PixelFormat.Gray8);
        ModelInput input = reader.Read(scheme, new ProtectedImage(scheme.Id, pixels, study.ProtectedNonce), await keys.SchemeKeyAsync(study.SchemeKeyId, cancellationToken), allowDecrypt: false);
        OcclusionMap map = await classifier.ExplainAsync(input.Image, name, input.Adaptations?.GetValueOrDefault(name), cancellationToken: cancellationToken);
        await audit.RecordAsync(actor, "study.explain", $"study/{id:D}", AuditOutcome.Succeeded, $"{map.Model}, P(tumor) {map.TumorProbability:F3}", cancellationToken);
        return new Explanation(map.Model, map.TumorProbability, codec.EncodePng(HeatMapImage.Render(map)), overOriginal);
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
