using MedCrypt.Domain.Auditing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Auditing;

/// <summary>
/// Unhealthy while the audit writer stopped because an entry it appended is gone or changed, or while the audit log
/// no longer extends its last published head or the heads file is gone (the publisher refused to sign), or while
/// audited actions are held back because no head could be published for too long; degraded while heads cannot be
/// published for another reason (the database is away) within that bound.
/// </summary>
internal sealed class AuditAnchorHealthCheck(AuditAnchor anchor, AuditLog audit) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            audit.Rewritten is { } rewritten ? HealthCheckResult.Unhealthy($"Nothing audited is served: the database's audit log was rewritten ({rewritten})")
            : anchor.Refusal is { } refusal ? HealthCheckResult.Unhealthy($"The audit log does not match its published heads: {refusal}")
            : audit.Held is { } held ? HealthCheckResult.Unhealthy($"Audited actions are held back: {held}")
            : anchor.Failure is { } failure ? HealthCheckResult.Degraded($"The last tree head could not be published: {failure}")
            : HealthCheckResult.Healthy($"Tree heads are published to {anchor.Options.HeadsFile}"));
}
