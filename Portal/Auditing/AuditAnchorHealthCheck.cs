using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Auditing;

/// <summary>Unhealthy while the audit log no longer extends its last published head (the publisher refused to sign).</summary>
internal sealed class AuditAnchorHealthCheck(AuditAnchor anchor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(anchor.Refusal is { } refusal
            ? HealthCheckResult.Unhealthy($"The audit log does not match its published heads: {refusal}")
            : HealthCheckResult.Healthy($"Tree heads are published to {anchor.Options.HeadsFile}"));
}
