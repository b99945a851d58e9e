using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.History;

/// <summary>
/// The dashboard's figures, from the database (so every instance shows the same): today's studies (UTC day), the
/// share the ensemble called a tumor (its decision stored with the prediction), each model's mean latency and device
/// today, and the latest analyses. One audit entry per visit, not per live refresh.
/// </summary>
public sealed class ViewDashboard(IPredictionQueries predictions, AccessGuard guard, AuditLog audit, TimeProvider clock)
{
    public const int RecentCount = 10;

    /// <param name="audited">True for the first load of a page; the live refreshes that follow are not recorded again.</param>
    /// <exception cref="AccessDeniedException">The actor may not read the history (audited on the first load).</exception>
    public async Task<DashboardSnapshot> RunAsync(Actor actor, bool audited, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (audited)
        {
            await guard.DemandAsync(actor, Permission.ReadHistory, "dashboard.view", "predictions", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else if (!await guard.AllowsAsync(actor, Permission.ReadHistory, cancellationToken).ConfigureAwait(false))
        {
            throw new AccessDeniedException(Permission.ReadHistory, AccessGuard.Describe(Permission.ReadHistory));
        }
        else if ((audit.Rewritten ?? audit.Held) is { } why)
        {
            // The live refresh is covered by the visit's entry; while the writer is stopped or held, no more data goes out.
            throw new ServiceUnavailableException($"The dashboard stopped: {why}.");
        }

        var today = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        DashboardSnapshot snapshot = await predictions.DayAsync(today, Classifier.EnsembleName, RecentCount, cancellationToken).ConfigureAwait(false);
        if (audited)
        {
            await audit.RecordAsync(actor.Name, "dashboard.view", "predictions", AuditOutcome.Succeeded,
                $"today {snapshot.StudiesToday} studies; latest {snapshot.Recent.Count} analyses", cancellationToken).ConfigureAwait(false);
        }

        return snapshot;
    }
}
