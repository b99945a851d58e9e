using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Pacs;

/// <summary>The PACS importer: healthy after a good poll, degraded while Orthanc is unreachable (the portal goes on without it).</summary>
internal sealed class PacsHealthCheck(PacsImporter importer, PacsOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(importer.Problem is { } problem
            ? HealthCheckResult.Degraded($"The PACS at {options.Url} cannot be followed now: {problem}. New series wait there until it can.")
            : importer.LastPoll is null
                ? HealthCheckResult.Degraded($"The PACS at {options.Url} has not been reached yet.")
                : importer.SetAside > 0
                    ? HealthCheckResult.Degraded($"Following {options.Url}, but {importer.SetAside} series failed {PacsImporter.MaxAttempts} times and were set aside (each reported so in its study; see the log).")
                    : HealthCheckResult.Healthy($"Following {options.Url}; {importer.SeriesImported} series ({importer.SlicesImported} slices) taken in since start."));
}
