using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MedCrypt.Inference;

/// <summary>
/// The inference library's metrics and traces, with the BCL's Meter and ActivitySource only (the portal decides
/// whether and where they are exported). Tags stay low in cardinality: the model's name and the device, never an image.
/// One shared instance serves the process; a test passes its own to read only its own measurements.
/// </summary>
public sealed class InferenceTelemetry : IDisposable
{
    /// <summary>The name of the Meter and of the ActivitySource.</summary>
    public const string Name = "MedCrypt.Inference";

    private static readonly int[] BatchBoundaries = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

    // Seconds, from a few milliseconds (a stage on a small scan) to half a minute (a queue under load); the SDK's default
    // buckets are for milliseconds.
    private static readonly InstrumentAdvice<double> Seconds = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] };
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _latency;

    public InferenceTelemetry()
    {
        Meter = new Meter(Name);
        ActivitySource = new ActivitySource(Name);
        QueueLength = Meter.CreateUpDownCounter<long>("medcrypt.inference.queue.length", "{request}", "Requests waiting in a model's micro-batcher.");
        _batchSize = Meter.CreateHistogram("medcrypt.inference.batch.size", "{image}", "Images in one run of a model, as the micro-batcher formed it.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBoundaries });
        _batchDuration = Meter.CreateHistogram<double>("medcrypt.inference.batch.duration", "s", "One run of a model on a batch (packing and the session), without queueing.", advice: Seconds);
        _latency = Meter.CreateHistogram<double>("medcrypt.inference.duration", "s", "One image's classification by one model, queueing in the micro-batcher included.", advice: Seconds);
    }

    /// <summary>The process's instance, the one the portal exports.</summary>
    public static InferenceTelemetry Shared { get; } = new();

    public Meter Meter { get; }

    public ActivitySource ActivitySource { get; }

    internal UpDownCounter<long> QueueLength { get; }

    internal void RecordBatch(string model, int size, TimeSpan duration)
    {
        var tags = new TagList { { "model", model } };
        _batchSize.Record(size, tags);
        _batchDuration.Record(duration.TotalSeconds, tags);
    }

    internal void RecordLatency(string model, string device, TimeSpan latency) =>
        _latency.Record(latency.TotalSeconds, new TagList { { "model", model }, { "device", device } });

    public void Dispose()
    {
        Meter.Dispose();
        ActivitySource.Dispose();
    }
}
