using System.Security.Claims;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.History;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Live;

/// <summary>
/// The dashboard's figures, from the database (so every instance shows the same): today's studies (UTC day), the
/// share the ensemble called a tumor (its decision stored with the prediction), each model's mean latency and device today, and the latest analyses.
/// </summary>
public sealed class DashboardStatistics(IServiceScopeFactory scopes, AuditLog audit, AccessGuard guard, TimeProvider clock)
{
    public const string Ensemble = Inference.Classification.Classifier.EnsembleName;
    public const int RecentCount = 10;

    /// <param name="audited">True for the first load of a page; the live refreshes that follow are not recorded again.</param>
    public async Task<DashboardSnapshot> LoadAsync(ClaimsPrincipal user, bool audited, CancellationToken cancellationToken)
    {
        // The first load asks (and a refusal is audited); the live refreshes after it only re-check, unrecorded.
        Actor actor = user.ToActor();
        if (audited)
        {
            await guard.DemandAsync(actor, Permission.ReadHistory, "dashboard.view", "predictions", cancellationToken: cancellationToken);
        }
        else if (!actor.May(Permission.ReadHistory))
        {
            throw new AccessDeniedException(Permission.ReadHistory, AccessGuard.Describe(Permission.ReadHistory));
        }

        var today = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        DashboardSnapshot snapshot;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            int studies = await TimeRange.StudiesCreated(db, today, null).CountAsync(cancellationToken);
            IQueryable<PredictionHistory.Pair> todays = PredictionHistory.Filtered(db, new HistoryFilter { From = today });
            int analysed = await todays.CountAsync(r => r.Prediction.Model == Ensemble, cancellationToken);
            int tumors = await todays.CountAsync(r => r.Prediction.Model == Ensemble && r.Prediction.Tumor, cancellationToken);
            List<ModelFigures> models = await todays
                .Where(r => r.Prediction.Model != Ensemble)
                .GroupBy(r => new { r.Prediction.Model, r.Prediction.Device })
                .Select(g => new ModelFigures(g.Key.Model, g.Key.Device, g.Average(r => r.Prediction.LatencyMilliseconds), g.Count()))
                .ToListAsync(cancellationToken);
            List<PredictionRow> recent = await PredictionHistory.Project(
                    PredictionHistory.Filtered(db, new HistoryFilter { Model = Ensemble }).OrderByDescending(r => r.Prediction.Id).Take(RecentCount))
                .ToListAsync(cancellationToken);
            snapshot = new DashboardSnapshot(today, studies, analysed, tumors, [.. models.OrderBy(m => m.Model, StringComparer.Ordinal)], recent);
        }

        if (audited)
        {
            await audit.RecordAsync(user.Identity?.Name ?? "anonymous", "dashboard.view", "predictions", AuditOutcome.Succeeded,
                $"today {snapshot.StudiesToday} studies; latest {snapshot.Recent.Count} analyses", cancellationToken);
        }

        return snapshot;
    }
}
