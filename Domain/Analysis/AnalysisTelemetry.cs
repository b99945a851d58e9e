using System.Diagnostics;
using System.Diagnostics.Metrics;
using MedCrypt.Domain.Imaging;

namespace MedCrypt.Domain.Analysis;

/// <summary>
/// An analysis's metrics and traces, with the BCL's Meter and ActivitySource only (the portal exports them): how many,
/// how long, and how long each stage took — decode, prepare, protect, seal, infer (<see cref="StudyAnalyser"/>) and
/// commit (the caller's audited transaction). Tags: scheme, stage and outcome only — never a study, a file or a person.
/// One shared instance serves the process; a test passes its own to read only its own measurements.
/// </summary>
public sealed class AnalysisTelemetry : IDisposable
{
    /// <summary>The name of the Meter and of the ActivitySource.</summary>
    public const string Name = "MedCrypt.Analysis";

    // Seconds, from a few milliseconds (a stage on a small scan) to half a minute (a queue under load); the SDK's default
    // buckets are for milliseconds.
    private static readonly InstrumentAdvice<double> Seconds = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] };
    private readonly Counter<long> _analyses;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _stageDuration;

    public AnalysisTelemetry()
    {
        Meter = new Meter(Name);
        ActivitySource = new ActivitySource(Name);
        _analyses = Meter.CreateCounter<long>("medcrypt.analyses", "{analysis}", "Analyses of uploaded scans, by scheme and outcome.");
        _duration = Meter.CreateHistogram<double>("medcrypt.analysis.duration", "s", "One analysis from the upload's bytes to the diagnosis (the commit is a stage of its own).", advice: Seconds);
        _stageDuration = Meter.CreateHistogram<double>("medcrypt.analysis.stage.duration", "s", "One stage of an analysis: decode, prepare, protect, seal, infer, commit.", advice: Seconds);
    }

    /// <summary>The process's instance, the one the portal exports.</summary>
    public static AnalysisTelemetry Shared { get; } = new();

    public Meter Meter { get; }

    public ActivitySource ActivitySource { get; }

    /// <summary>A whole analysis: counted and timed when disposed; its stages become child activities.</summary>
    public AnalysisStep StartAnalysis(string scheme) =>
        new(ActivitySource.StartActivity("medcrypt.analysis"), scheme, stage: null, (seconds, tags) =>
        {
            _analyses.Add(1, tags);
            _duration.Record(seconds, tags);
        });

    /// <summary>One stage (<see cref="AnalysisStages"/>): timed when disposed.</summary>
    public AnalysisStep StartStage(string stage, string scheme) =>
        new(ActivitySource.StartActivity($"medcrypt.analysis.{stage}"), scheme, stage, (seconds, tags) => _stageDuration.Record(seconds, tags));

    /// <summary>A bounded word for how an analysis or a stage ended (a tag value).</summary>
    internal static string OutcomeOf(Exception exception) => exception switch
    {
        InferenceNotPermittedException => "refused",
        ImageRejectedException or Failures.RejectedInputException => "rejected", // the uploader's input (not an image, not a brain slice), not a fault
        OperationCanceledException => "cancelled",
        ArgumentException => "invalid",
        _ => "failed",
    };

    public void Dispose()
    {
        Meter.Dispose();
        ActivitySource.Dispose();
    }
}
