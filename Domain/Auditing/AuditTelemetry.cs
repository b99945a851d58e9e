using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// The audit log's metrics and traces, with the BCL's Meter and ActivitySource only (the portal exports them):
/// appends by the event's outcome, how long an append takes (waiting for the writer included), retries after another
/// instance took the sequence number, and appends that failed. Never an actor, a subject or a detail as a tag.
/// One shared instance serves the process; a test passes its own to read only its own measurements.
/// </summary>
public sealed class AuditTelemetry : IDisposable
{
    /// <summary>The name of the Meter and of the ActivitySource.</summary>
    public const string Name = "MedCrypt.Audit";

    // Seconds, from a few milliseconds (a stage on a small scan) to half a minute (a queue under load); the SDK's default
    // buckets are for milliseconds.
    private static readonly InstrumentAdvice<double> Seconds = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] };

    public AuditTelemetry()
    {
        Meter = new Meter(Name);
        ActivitySource = new ActivitySource(Name);
        Appends = Meter.CreateCounter<long>("medcrypt.audit.appends", "{entry}", "Audit entries appended, by the outcome of the action they record (succeeded, denied, failed).");
        Duration = Meter.CreateHistogram<double>("medcrypt.audit.append.duration", "s", "One append, waiting for the writer and retries included, by result (appended, failed).", advice: Seconds);
        Retries = Meter.CreateCounter<long>("medcrypt.audit.append.retries", "{retry}", "Appends tried again because another instance took the sequence number.");
        Failures = Meter.CreateCounter<long>("medcrypt.audit.append.failures", "{entry}", "Appends that did not commit: the action they record did not happen either.");
    }

    /// <summary>The process's instance, the one the portal exports.</summary>
    public static AuditTelemetry Shared { get; } = new();

    public Meter Meter { get; }

    public ActivitySource ActivitySource { get; }

    internal Counter<long> Appends { get; }

    internal Histogram<double> Duration { get; }

    internal Counter<long> Retries { get; }

    internal Counter<long> Failures { get; }

    /// <summary>The tag value of an outcome: lower case, as the other tags are.</summary>
    internal static string Tag(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Succeeded => "succeeded",
        AuditOutcome.Denied => "denied",
        AuditOutcome.Failed => "failed",
        _ => "other",
    };

    public void Dispose()
    {
        Meter.Dispose();
        ActivitySource.Dispose();
    }
}
