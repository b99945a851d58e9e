using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Portal.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Administration;

/// <summary>Gathers the system page's <see cref="SystemOverview"/> for operators, so the page only shows it.</summary>
public sealed class SystemStatus(ModelRuntime runtime, DatabaseOptions database, HealthCheckService health, AccessGuard guard)
{
    /// <exception cref="Domain.Failures.AccessDeniedException">The actor may not operate the system (audited).</exception>
    public async Task<SystemOverview> ReadAsync(Actor actor, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.OperateSystem, "system.view", "system", cancellationToken: cancellationToken);
        string provider = database.Provider == DatabaseProvider.Postgres ? "PostgreSQL" : "SQLite";
        return new SystemOverview(runtime.Installed, runtime.Status, provider, await health.CheckHealthAsync(cancellationToken));
    }
}
