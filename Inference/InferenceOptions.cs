namespace MedCrypt.Inference;

/// <summary>Settings of the <c>Inference</c> configuration section.</summary>
public sealed record InferenceOptions
{
    /// <summary>The manifest, models/models.json by default.</summary>
    public string Manifest { get; init; } = Path.Combine("models", "models.json");

    public InferenceDevice Device { get; init; } = InferenceDevice.Auto;

    /// <summary>Threads ONNX Runtime uses inside one operator (0: its default, one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Most images gathered into one run.</summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>How long the first request of a batch waits for company.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(4);
}

/// <summary><c>Auto</c> tries CUDA and falls back to the CPU; <c>Cuda</c> fails at start-up without it.</summary>
public enum InferenceDevice
{
    Auto,
    Cuda,
    Cpu,
}
