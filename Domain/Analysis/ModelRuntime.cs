using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Imaging;
using MedCrypt.Inference.Classification;
using MedCrypt.Inference.Models;

namespace MedCrypt.Domain.Analysis;

/// <summary>
/// The models, loaded or not. An installation without models (none trained yet, a manifest left out) still opens its
/// stored studies, history and audit; only what needs a model (analysis, heat maps, metrics against the prepared
/// original) asks <see cref="Require"/> and is refused with a 503 that says why.
/// </summary>
public sealed class ModelRuntime : IAsyncDisposable
{
    private readonly LoadedModels? _loaded;

    private ModelRuntime(LoadedModels? loaded, string status)
    {
        _loaded = loaded;
        Status = status;
        Installed = loaded?.Classifier is { } c
            ? new InstalledModels([.. c.Models.Select(m => m.Name)], c.InputSize, c.Device, c.DeviceNote, c.TumorThresholds, c.ScreeningValidation, c.EnsembleMembers)
            : null;
    }

    public bool IsLoaded => _loaded is not null;

    /// <summary>What /health and the system page say: the models and the device, or why there are none.</summary>
    public string Status { get; }

    /// <summary>What is loaded, for pages and /health; null when no models are.</summary>
    public InstalledModels? Installed { get; }

    public static ModelRuntime Loaded(LoadedModels models)
    {
        ArgumentNullException.ThrowIfNull(models);
        Classifier c = models.Classifier;
        return new ModelRuntime(models, $"{c.Models.Count} model(s) on {c.Device}: {string.Join(", ", c.Models.Select(m => m.Name))}");
    }

    public static ModelRuntime NotLoaded(string reason) => new(null, reason);

    public ValueTask DisposeAsync() => _loaded?.Classifier.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <exception cref="ServiceUnavailableException">No models are loaded.</exception>
    public LoadedModels Require() => _loaded ?? throw new ServiceUnavailableException($"No models are loaded, so scans cannot be classified: {Status}");
}

/// <summary>What the models make possible, built once at start-up around the one classifier.</summary>
public sealed record LoadedModels(Classifier Classifier, StudyAnalyser Analyser, SchemeReader Reader)
{
    /// <exception cref="ModelConfigurationException">A block-wise scheme is configured with a block size the models do not adapt.</exception>
    public static LoadedModels Around(Classifier classifier, ImageCodec codec, ScanPreparation preparation, SchemeCatalog schemes, AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(schemes);
        // Checked at start-up, so a mismatch stops the portal instead of failing the first block-scheme analysis.
        foreach (BlockwiseScheme scheme in schemes.All.OfType<BlockwiseScheme>())
        {
            if (classifier.Models.Select(m => BlockAdaptations.Mismatch(m, scheme)).FirstOrDefault(why => why is not null) is { } mismatch)
            {
                throw new ModelConfigurationException(mismatch);
            }
        }

        var reader = new SchemeReader(new BlockAdaptations(classifier.Models));
        return new LoadedModels(classifier, new StudyAnalyser(codec, preparation, schemes, classifier, reader, options), reader);
    }
}
