using MedCrypt.Inference.Models;
using MedCrypt.Inference.Sessions;

namespace MedCrypt.Inference.Classification;

/// <summary>
/// Every model of the manifest, loaded and warmed up once on the chosen device, shared by all callers; concurrent
/// calls are micro-batched per model. Classifies plain pixels, or block-encrypted pixels given the key's adaptation.
/// </summary>
public sealed class Classifier : IAsyncDisposable
{
    private readonly IReadOnlyList<(ModelSession Session, MicroBatcher Batcher)> _models;

    private Classifier(IReadOnlyList<(ModelSession, MicroBatcher)> models, string device, string? deviceNote)
    {
        _models = models;
        Device = device;
        DeviceNote = deviceNote;
    }

    /// <summary>"cuda" or "cpu": where the models actually run.</summary>
    public string Device { get; }

    /// <summary>Why the device is not the one asked for (auto fell back to the CPU), to log once; null otherwise.</summary>
    public string? DeviceNote { get; }

    public IReadOnlyList<ModelDescriptor> Models => [.. _models.Select(m => m.Session.Descriptor)];

    /// <summary>The side S of the square images every model takes.</summary>
    public int InputSize => _models[0].Session.Descriptor.Size;

    /// <exception cref="ModelConfigurationException">A missing file, a manifest that does not match a graph, or CUDA asked for and absent.</exception>
    public static Classifier Load(InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ModelManifest manifest = ModelManifest.Load(options.Manifest);
        if (manifest.Models.Select(m => m.Size).Distinct().Count() != 1)
        {
            throw new ModelConfigurationException($"The models of {options.Manifest} must share one input size.");
        }

        (bool useCuda, string? note) = DeviceSelector.Choose(options.Device);
        var models = new List<(ModelSession, MicroBatcher)>();
        try
        {
            foreach (ModelDescriptor descriptor in manifest.Models)
            {
                ModelSession session = ModelSession.Open(manifest, descriptor, useCuda, options.IntraOpThreads);
                models.Add((session, new MicroBatcher(session, options.MaxBatchSize, options.BatchWindow)));
            }
        }
        catch
        {
            foreach ((ModelSession session, MicroBatcher batcher) in models)
            {
                batcher.DisposeAsync().AsTask().GetAwaiter().GetResult();
                session.Dispose();
            }

            throw;
        }

        return new Classifier(models, useCuda ? "cuda" : "cpu", note);
    }

    /// <param name="adaptations">Per model name, the key's adaptation for block-encrypted pixels; none for plain ones.</param>
    /// <param name="models">Which models to run (all when null).</param>
    public async Task<Diagnosis> ClassifyAsync(
        ImageInput image,
        IReadOnlyDictionary<string, AdaptationParameters>? adaptations = null,
        IReadOnlyCollection<string>? models = null,
        CancellationToken cancellationToken = default)
    {
        image.Validate(InputSize);
        var chosen = _models.Where(m => models is null || models.Contains(m.Session.Descriptor.Name)).ToList();
        if (chosen.Count == 0)
        {
            throw new ArgumentException($"No such model. Known models: {string.Join(", ", _models.Select(m => m.Session.Descriptor.Name))}.", nameof(models));
        }

        var runs = chosen.Select(m => m.Batcher.RunAsync(image, adaptations?.GetValueOrDefault(m.Session.Descriptor.Name), cancellationToken)).ToList();
        (float[] Logits, TimeSpan Latency)[] results = await Task.WhenAll(runs).ConfigureAwait(false);
        ModelPrediction[] predictions = [.. chosen.Select((m, i) => Predict(m.Session, results[i].Logits, Softmax(results[i].Logits), results[i].Latency))];
        return new Diagnosis(predictions, Ensemble(chosen[0].Session, predictions));
    }

    public async ValueTask DisposeAsync()
    {
        foreach ((ModelSession session, MicroBatcher batcher) in _models)
        {
            await batcher.DisposeAsync().ConfigureAwait(false);
            session.Dispose();
        }
    }

    private static ModelPrediction Predict(ModelSession session, float[]? logits, double[] probabilities, TimeSpan latency)
    {
        ModelDescriptor d = session.Descriptor;
        var byClass = d.Classes.Select((c, i) => (c, p: probabilities[i])).ToDictionary(x => x.c, x => x.p);
        return new ModelPrediction(d.Name, logits, byClass, d.Classes[Array.IndexOf(probabilities, probabilities.Max())],
            d.TumorClasses.Sum(c => byClass[c]), latency, session.Device);
    }

    private ModelPrediction Ensemble(ModelSession reference, ModelPrediction[] predictions)
    {
        double[] mean = [.. reference.Descriptor.Classes.Select(c => predictions.Average(p => p.Probabilities[c]))];
        return Predict(reference, logits: null, mean, predictions.Max(p => p.Latency)) with { Model = "ensemble", Device = Device };
    }

    internal static double[] Softmax(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float l in logits)
        {
            max = Math.Max(max, l);
        }

        var p = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = Math.Exp(logits[i] - max);
            sum += p[i];
        }

        for (int i = 0; i < p.Length; i++)
        {
            p[i] /= sum;
        }

        return p;
    }
}
