using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Metrics;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;

namespace MedCrypt.Domain.Studies;

/// <summary>
/// The security metrics of a study's protected image against the original it was made from (prepared as the models
/// take it, so the two compare position by position). It opens the original, so it is for doctors and audited as such.
/// </summary>
public sealed class MeasureStudy(ModelRuntime models, StudyAccess access, StudyImages images, SchemeCatalog schemes)
{
    public Task<SecurityReport> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken) =>
        access.RunAsync(actor, Permission.ViewOriginal, "original.metrics", id, async (study, ct) =>
        {
            LoadedModels loaded = models.Require();
            ImageProtectionScheme scheme = schemes.Get(study.SchemeId);
            PixelImage original = ImageCodec.ForStoredImages.Decode(await images.OriginalPngAsync(study, ct).ConfigureAwait(false), PixelFormat.Gray8);
            PixelImage prepared = loaded.Analyser.Prepare(original, scheme);
            PixelImage protectedPixels = ImageCodec.ForStoredImages.Decode(await images.ProtectedPngAsync(study, ct).ConfigureAwait(false), prepared.Format);
            SecurityReport report = SecurityMetrics.Measure(prepared, protectedPixels);
            return (report, $"NPCR {report.Npcr:F2} %, UACI {report.Uaci:F2} %, entropy {report.Entropy:F4}");
        }, cancellationToken);
}
