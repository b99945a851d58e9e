using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Keys;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Studies;

/// <summary>
/// The occlusion heat map of a model's reading of a study's protected pixels, as a PNG the size of the protected
/// image (black where hiding a patch changes nothing, for a screen blend). Audited once per attempt.
/// </summary>
public sealed class ExplainStudy(ModelRuntime models, AccessGuard guard, StudyAccess access, StudyImages images, SchemeCatalog schemes, IKeyStore keys, ImageCodec codec)
{
    /// <summary>The models a heat map can be drawn for (none while no models are loaded).</summary>
    public IReadOnlyList<string> Models => models.Installed?.Names ?? [];

    /// <exception cref="AccessDeniedException">Auditors; and anyone but a doctor where the map is drawn over the original.</exception>
    /// <exception cref="NotFoundException">No such study.</exception>
    /// <exception cref="RejectedInputException">The models read this scheme only after decryption, or an unknown model.</exception>
    public Task<Explanation> RunAsync(Actor actor, Guid id, string? model, CancellationToken cancellationToken) =>
        access.RunAsync(actor, Permission.ViewProtected, "study.explain", id, async (study, ct) =>
        {
            LoadedModels loaded = models.Require();
            ImageProtectionScheme scheme = schemes.Get(study.SchemeId);
            if (!scheme.IsModelReadable)
            {
                // Its map would be drawn from the decrypted pixels: it would outline the original's anatomy for anyone.
                throw new RejectedInputException($"The models read '{scheme.Id}' only after decrypting it, so no heat map is drawn over its protected image.") { Unprocessable = true };
            }

            // A scheme that moves pixels across the image gives a map in the original's coordinates: it shows where
            // the anatomy is, so only those who may see the original get it, drawn over the original.
            bool overOriginal = scheme.Kind == ProtectionKind.Encryption;
            if (overOriginal && !await guard.AllowsAsync(actor, Permission.ViewOriginal, ct).ConfigureAwait(false))
            {
                throw new AccessDeniedException(Permission.ViewOriginal, $"'{scheme.Id}' moves every pixel, so its heat map is drawn over the original: {AccessGuard.Describe(Permission.ViewOriginal)}");
            }

            string name = model ?? loaded.Classifier.Models[0].Name;
            if (loaded.Classifier.Models.All(m => m.Name != name))
            {
                throw new RejectedInputException($"Unknown model '{name}'. Models: {string.Join(", ", Models)}.");
            }

            PixelImage pixels = ImageCodec.ForStoredImages.Decode(
                await images.ProtectedPngAsync(study, ct).ConfigureAwait(false), scheme is ColorShufflingScheme ? PixelFormat.Rgb24 : PixelFormat.Gray8);
            ModelInput input = loaded.Reader.Read(
                scheme, new ProtectedImage(scheme.Id, pixels, study.ProtectedNonce), await keys.SchemeKeyAsync(study.SchemeKeyId, ct).ConfigureAwait(false), allowDecrypt: false);
            OcclusionMap map = await loaded.Classifier.ExplainAsync(input.Image, name, input.Adaptations?.GetValueOrDefault(name), cancellationToken: ct).ConfigureAwait(false);
            return (new Explanation(map.Model, map.TumorProbability, codec.EncodePng(HeatMapImage.Render(map)), overOriginal), $"{map.Model}, P(tumor) {map.TumorProbability:F3}");
        }, cancellationToken);
}
