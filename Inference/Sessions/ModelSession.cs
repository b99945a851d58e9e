using System.Security.Cryptography;
using MedCrypt.Inference.Classification;
using MedCrypt.Inference.Models;
using Microsoft.ML.OnnxRuntime;

namespace MedCrypt.Inference.Sessions;

/// <summary>One model's ONNX Runtime session: opened, checked against its manifest entry and warmed up once, then shared.</summary>
internal sealed class ModelSession : IDisposable
{
    private readonly InferenceSession _session;

    private ModelSession(ModelDescriptor descriptor, InferenceSession session, string device)
    {
        Descriptor = descriptor;
        _session = session;
        Device = device;
        Packer = new InputPacker(descriptor.Normalisation);
    }

    public ModelDescriptor Descriptor { get; }

    public string Device { get; }

    public InputPacker Packer { get; }

    public static ModelSession Open(ModelManifest manifest, ModelDescriptor descriptor, bool useCuda, int intraOpThreads)
    {
        string path = manifest.PathOf(descriptor);
        if (!File.Exists(path))
        {
            throw new ModelConfigurationException($"Model '{descriptor.Name}': the file {path} does not exist.");
        }

        // Errors only: ONNX Runtime warns that the overridable adaptation initializers are not constant-folded, which is their point.
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (useCuda)
        {
            options.AppendExecutionProvider_CUDA(0);
        }

        // Hashed and loaded from the same bytes, so the graph that runs is the one that was checked.
        byte[] graph = File.ReadAllBytes(path);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(graph));
        if (!sha256.Equals(descriptor.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelConfigurationException(
                $"Model '{descriptor.Name}': {path} has SHA-256 {sha256}, the manifest says {descriptor.Sha256}. The file was changed or damaged after training wrote it; it is not loaded.");
        }

        InferenceSession session;
        try
        {
            session = new InferenceSession(graph, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelConfigurationException($"Model '{descriptor.Name}': ONNX Runtime cannot load {path}: {e.Message}", e);
        }

        try
        {
            CheckGraph(descriptor, session);
            var model = new ModelSession(descriptor, session, useCuda ? "cuda" : "cpu");
            model.Run(new float[3 * descriptor.Size * descriptor.Size], 1, adaptation: null); // warm-up: the first run allocates
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Logits, N × classes, for <paramref name="batch"/> packed images.</summary>
    public float[] Run(Memory<float> packed, int batch, AdaptationParameters? adaptation)
    {
        int size = Descriptor.Size;
        int m = Descriptor.AdaptationLength;
        var names = new List<string> { Descriptor.Input };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, packed, [batch, 3, size, size]) };
        try
        {
            if (adaptation is not null)
            {
                names.Add(Descriptor.AdaptationWeight);
                values.Add(OrtValue.CreateTensorValueFromMemory(adaptation.Weight, [m, m, 1, 1]));
                names.Add(Descriptor.AdaptationBias);
                values.Add(OrtValue.CreateTensorValueFromMemory(adaptation.Bias, [m]));
            }

            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(runOptions, names, values, [Descriptor.Output]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();

    /// <summary>The manifest must describe the graph: input N×3×S×S, the two overridable adaptation initializers, output N×classes.</summary>
    private static void CheckGraph(ModelDescriptor d, InferenceSession session)
    {
        int m = d.AdaptationLength;
        Expect(session.InputMetadata, d.Input, [-1, 3, d.Size, d.Size], "input");
        // The adaptation weight and bias are initializers that are also graph inputs: ONNX Runtime lists them apart.
        Expect(session.OverridableInitializerMetadata, d.AdaptationWeight, [m, m, 1, 1], "adaptation weight");
        Expect(session.OverridableInitializerMetadata, d.AdaptationBias, [m], "adaptation bias");
        Expect(session.OutputMetadata, d.Output, [-1, d.Classes.Count], "output");

        void Expect(IReadOnlyDictionary<string, NodeMetadata> metadata, string name, int[] shape, string what)
        {
            if (!metadata.TryGetValue(name, out NodeMetadata? node))
            {
                throw new ModelConfigurationException(
                    $"Model '{d.Name}': the manifest's {what} '{name}' is not in the graph (it has {string.Join(", ", metadata.Keys)}).");
            }

            int[] actual = node.Dimensions;
            bool matches = actual.Length == shape.Length && actual.Zip(shape).All(p => p.Second == -1 || p.First == p.Second);
            if (!matches)
            {
                throw new ModelConfigurationException(
                    $"Model '{d.Name}': {what} '{name}' has shape [{string.Join(", ", actual)}], the manifest implies [{string.Join(", ", shape)}].");
            }
        }
    }
}
