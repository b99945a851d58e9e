using System.Diagnostics;

namespace MedCrypt.Domain.Analysis;

/// <summary>
/// An analysis or one of its stages in progress: an activity (when anyone listens) and a clock. <see cref="Complete"/>
/// marks success; <see cref="Fail"/> names the failure (use it as an exception filter: it returns false); disposed
/// without either, it counts as failed.
/// </summary>
public sealed class AnalysisStep : IDisposable
{
    private readonly Activity? _activity;
    private readonly string _scheme;
    private readonly string? _stage;
    private readonly Action<double, TagList> _record;
    private readonly long _started = Stopwatch.GetTimestamp();
    private string? _outcome;
    private bool _disposed;

    internal AnalysisStep(Activity? activity, string scheme, string? stage, Action<double, TagList> record)
    {
        _activity = activity;
        _scheme = scheme;
        _stage = stage;
        _record = record;
        _activity?.SetTag("medcrypt.scheme", scheme);
    }

    public void Complete() => _outcome ??= "succeeded";

    /// <summary>Records how it failed and returns false, so <c>catch (Exception e) when (step.Fail(e))</c> catches nothing.</summary>
    public bool Fail(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _outcome ??= AnalysisTelemetry.OutcomeOf(exception);
        _activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name); // the type only: a message may name a file
        return false;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        string outcome = _outcome ?? "failed";
        var tags = new TagList { { "scheme", _scheme }, { "outcome", outcome } };
        if (_stage is not null)
        {
            tags.Add("stage", _stage);
        }

        _record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        if (outcome != "succeeded" && _activity?.Status != ActivityStatusCode.Error)
        {
            _activity?.SetStatus(ActivityStatusCode.Error, outcome);
        }

        _activity?.SetTag("medcrypt.outcome", outcome);
        _activity?.Dispose();
    }
}
