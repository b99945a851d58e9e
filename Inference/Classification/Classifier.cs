using System.Diagnostics;
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
    private readonly InferenceTelemetry _telemetry;

    /// <summary>The name the ensemble's prediction goes by, beside the models'.</summary>
    public const string EnsembleName = "ensemble";

    private readonly double _ensembleThreshold;
    private readonly HashSet<string> _ensembleMembers;

    private readonly IReadOnlyDictionary<string, ScreeningCounts> _ensembleScreening;

    private Classifier(IReadOnlyList<(ModelSession, MicroBatcher)> models, string device, string? deviceNote, double ensembleThreshold, IReadOnlyDictionary<string, ScreeningCounts>? ensembleScreening, InferenceTelemetry telemetry)
    {
        _ensembleThreshold = ensembleThreshold;
        _ensembleScreening = ensembleScreening ?? new Dictionary<string, ScreeningCounts>();
        _ensembleMembers = models.Where(m => m.Item1.Descriptor.InEnsemble).Select(m => m.Item1.Descriptor.Name).ToHashSet(StringComparer.Ordinal);
        _models = models;
        _telemetry = telemetry;
        Models = [.. models.Select(m => m.Item1.Descriptor)];
        Device = device;
        DeviceNote = deviceNote;
    }

    /// <summary>"cuda" or "cpu": where the models actually run.</summary>
    public string Device { get; }

    /// <summary>Why the device is not the one asked for (auto fell back to the CPU), to log once; null otherwise.</summary>
    public string? DeviceNote { get; }

    public IReadOnlyList<ModelDescriptor> Models { get; }

    /// <summary>The side S of the square images every model takes.</summary>
    public int InputSize => _models[0].Session.Descriptor.Size;

    /// <summary>The operating point of each model and of the ensemble (<see cref="EnsembleName"/>), as the manifest sets them.</summary>
    public IReadOnlyDictionary<string, double> TumorThresholds =>
        new Dictionary<string, double>(Models.Select(m => KeyValuePair.Create(m.Name, m.TumorThreshold))) { [EnsembleName] = _ensembleThreshold };

    /// <summary>What each operating point (<see cref="TumorThresholds"/>) found and cleared per validation source, as calibration measured it; empty where it wrote none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, ScreeningCounts>> ScreeningValidation =>
        new Dictionary<string, IReadOnlyDictionary<string, ScreeningCounts>>(
            Models.Select(m => KeyValuePair.Create(m.Name, m.ScreeningValidation ?? new Dictionary<string, ScreeningCounts>())))
        { [EnsembleName] = _ensembleScreening };

    /// <summary>The models the ensemble averages (the manifest's <c>inEnsemble</c>).</summary>
    public IReadOnlyCollection<string> EnsembleMembers => _ensembleMembers;

    /// <exception cref="ModelConfigurationException">A missing file, a manifest that does not match a graph, or CUDA asked for and absent.</exception>
    /// <param name="telemetry">Where the metrics go: <see cref="InferenceTelemetry.Shared"/> unless a test reads its own.</param>
    public static Classifier Load(InferenceOptions options, InferenceTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        telemetry ??= InferenceTelemetry.Shared;
        ModelManifest manifest = ModelManifest.Load(options.Manifest);
        // The ensemble averages the models' probabilities for one prepared image: they must agree on both.
        ModelDescriptor first = manifest.Models[0];
        if (manifest.Models.Any(m => m.Size != first.Size || !m.Classes.SequenceEqual(first.Classes) || !m.TumorClasses.Order().SequenceEqual(first.TumorClasses.Order())))
        {
            throw new ModelConfigurationException($"The models of {options.Manifest} must share one input size, one list of classes and one set of tumor classes.");
        }

        (bool useCuda, string? note) = DeviceSelector.Choose(options.Device);
        var models = new List<(ModelSession, MicroBatcher)>();
        try
        {
            foreach (ModelDescriptor descriptor in manifest.Models)
            {
                ModelSession session = ModelSession.Open(manifest, descriptor, useCuda, options.IntraOpThreads);
                models.Add((session, new MicroBatcher(session, options.MaxBatchSize, options.BatchWindow, telemetry)));
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

        return new Classifier(models, useCuda ? "cuda" : "cpu", note, manifest.EnsembleTumorThreshold, manifest.EnsembleScreeningValidation, telemetry);
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

        // Child of the caller's activity (the analysis's infer stage); null when nobody listens.
        using Activity? activity = _telemetry.ActivitySource.StartActivity("medcrypt.inference.classify");
        activity?.SetTag("medcrypt.models", chosen.Count);
        var runs = chosen.Select(m => m.Batcher.RunAsync(image, adaptations?.GetValueOrDefault(m.Session.Descriptor.Name), cancellationToken)).ToList();
        (float[] Logits, TimeSpan Latency)[] results = await Task.WhenAll(runs).ConfigureAwait(false);
        // The logits are reported as the model gave them; probabilities, label and tumor decision are the calibrated ones.
        ModelPrediction[] predictions = [.. chosen.Select((m, i) =>
            Predict(m.Session, results[i].Logits, Softmax(results[i].Logits, m.Session.Descriptor.Temperature), results[i].Latency, m.Session.Descriptor.TumorThreshold))];
        foreach (ModelPrediction prediction in predictions)
        {
            _telemetry.RecordLatency(prediction.Model, prediction.Device, prediction.Latency);
        }
        return new Diagnosis(predictions, Ensemble(chosen[0].Session, predictions));
    }

    /// <summary>
    /// Occlusion sensitivity for one model: the image is classified again with each <paramref name="patch"/>-sized
    /// square (every <paramref name="stride"/> pixels) set to the neutral grey the model's normalisation centres on;
    /// each pixel gets the mean fall of tumor probability over the squares that hid it. Runs in batches, off the micro-batcher.
    /// </summary>
    public Task<OcclusionMap> ExplainAsync(
        ImageInput image, string model, AdaptationParameters? adaptation = null, int patch = 16, int stride = 8, CancellationToken cancellationToken = default)
    {
        image.Validate(InputSize);
        ModelSession session = _models.FirstOrDefault(m => m.Session.Descriptor.Name == model).Session
            ?? throw new ArgumentException($"No model '{model}'. Known models: {string.Join(", ", _models.Select(m => m.Session.Descriptor.Name))}.", nameof(model));
        int size = InputSize;
        if (patch < 1 || patch > size || stride < 1)
        {
            throw new ArgumentException($"The patch must be 1 to {size} pixels and the stride positive.");
        }

        return Task.Run(() => Explain(session, image, adaptation, patch, stride, cancellationToken), cancellationToken);
    }

    private static OcclusionMap Explain(ModelSession session, ImageInput image, AdaptationParameters? adaptation, int patch, int stride, CancellationToken cancellationToken)
    {
        ModelDescriptor d = session.Descriptor;
        int size = d.Size, plane = size * size, perImage = 3 * plane;
        var original = new float[perImage];
        session.Packer.Pack(image, original);
        double baseline = TumorProbability(d, session.Run(original, 1, adaptation), 0);

        var positions = new List<(int X, int Y)>();
        for (int y = 0; y + patch <= size; y += stride)
        {
            for (int x = 0; x + patch <= size; x += stride)
            {
                positions.Add((x, y));
            }
        }

        var fall = new double[plane];
        var covered = new int[plane];
        const int Batch = 16;
        var packed = new float[perImage * Batch];
        for (int start = 0; start < positions.Count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(Batch, positions.Count - start);
            for (int k = 0; k < count; k++)
            {
                Span<float> target = packed.AsSpan(k * perImage, perImage);
                original.CopyTo(target);
                (int px, int py) = positions[start + k];
                for (int c = 0; c < 3; c++)
                {
                    float grey = ((0.5f - d.Normalisation.Mean[c]) / d.Normalisation.Std[c]); // mid-grey in the model's input space
                    for (int y = py; y < py + patch; y++)
                    {
                        target.Slice((c * plane) + (y * size) + px, patch).Fill(grey);
                    }
                }
            }

            float[] logits = session.Run(packed.AsMemory(0, perImage * count), count, adaptation);
            for (int k = 0; k < count; k++)
            {
                double drop = Math.Max(0, baseline - TumorProbability(d, logits, k));
                (int px, int py) = positions[start + k];
                for (int y = py; y < py + patch; y++)
                {
                    for (int x = px; x < px + patch; x++)
                    {
                        fall[(y * size) + x] += drop;
                        covered[(y * size) + x]++;
                    }
                }
            }
        }

        double max = 0;
        for (int i = 0; i < plane; i++)
        {
            fall[i] = covered[i] == 0 ? 0 : fall[i] / covered[i];
            max = Math.Max(max, fall[i]);
        }

        float[] values = [.. fall.Select(v => max > 0 ? (float)(v / max) : 0f)];
        return new OcclusionMap(size, values, d.Name, baseline);
    }

    private static double TumorProbability(ModelDescriptor d, float[] logits, int index)
    {
        int k = d.Classes.Count;
        double[] p = Softmax(logits.AsSpan(index * k, k), d.Temperature);
        return d.TumorClasses.Sum(c => p[IndexOf(d.Classes, c)]);
    }

    private static int IndexOf(IReadOnlyList<string> items, string item)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] == item)
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        foreach ((ModelSession session, MicroBatcher batcher) in _models)
        {
            await batcher.DisposeAsync().ConfigureAwait(false);
            session.Dispose();
        }
    }

    /// <summary>
    /// The reading at <paramref name="threshold"/>. Its label is the most probable class on the side of the operating
    /// point it falls: at a screening point far below 0.5 the most probable class of a flagged slice is often notumor,
    /// and "notumor" beside a tumor flag tells a reader to ignore the flag. The probabilities keep every class.
    /// </summary>
    private static ModelPrediction Predict(ModelSession session, float[]? logits, double[] probabilities, TimeSpan latency, double threshold)
    {
        ModelDescriptor d = session.Descriptor;
        var byClass = d.Classes.Select((c, i) => (c, p: probabilities[i])).ToDictionary(x => x.c, x => x.p);
        var reading = new ModelPrediction(d.Name, logits, byClass, Label: "", d.TumorClasses.Sum(c => byClass[c]), latency, session.Device, threshold);
        return reading with { Label = d.Classes.Where(c => d.TumorClasses.Contains(c) == reading.Tumor).MaxBy(c => byClass[c])! };
    }

    /// <summary>
    /// The mean of the (calibrated) probabilities of the models the manifest puts in the ensemble, at its operating
    /// point; when a caller ran only models outside it, the mean of those.
    /// </summary>
    private ModelPrediction Ensemble(ModelSession reference, ModelPrediction[] predictions)
    {
        ModelPrediction[] averaged = predictions.Where(p => _ensembleMembers.Contains(p.Model)).ToArray() is { Length: > 0 } chosen ? chosen : predictions;
        double[] mean = [.. reference.Descriptor.Classes.Select(c => averaged.Average(p => p.Probabilities[c]))];
        return Predict(reference, logits: null, mean, averaged.Max(p => p.Latency), _ensembleThreshold) with { Model = EnsembleName, Device = Device };
    }

    /// <summary>softmax(z / T): temperature scaling, the model's calibration (T = 1: the plain softmax, bit for bit as before).</summary>
    internal static double[] Softmax(ReadOnlySpan<float> logits, double temperature = ModelDescriptor.DefaultTemperature)
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
            // The difference in float as ever (calibration.py computes it the same way), then divided in double.
            p[i] = Math.Exp((logits[i] - max) / temperature);
            sum += p[i];
        }

        for (int i = 0; i < p.Length; i++)
        {
            p[i] /= sum;
        }

        return p;
    }
}
