using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.History;

/// <summary>
/// A page of the prediction history: every model's (and the ensemble's) reading of every study. It holds no images,
/// so auditors read it too. Each query is one audit entry (never one per row).
/// </summary>
public sealed class QueryPredictionHistory(IPredictionQueries predictions, AccessGuard guard, AuditLog audit)
{
    public const int MaxPageSize = 200;

    /// <param name="page">1-based.</param>
    /// <exception cref="AccessDeniedException">The actor may not read the history (audited).</exception>
    /// <exception cref="RejectedInputException">A page below 1 or a page size outside 1 to <see cref="MaxPageSize"/>.</exception>
    public async Task<PredictionPage> RunAsync(Actor actor, HistoryFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(filter);
        await guard.DemandAsync(actor, Permission.ReadHistory, "history.view", "predictions", filter.Describe(), cancellationToken).ConfigureAwait(false);
        try
        {
            filter.EnsureValid();
            if (page < 1 || pageSize < 1 || pageSize > MaxPageSize)
            {
                throw new RejectedInputException($"Pages start at 1 and hold 1 to {MaxPageSize} rows.");
            }
        }
        catch (RejectedInputException e)
        {
            await audit.RecordAsync(actor.Name, "history.view", "predictions", AuditOutcome.Denied, $"{filter.Describe()}; {e.Message}", cancellationToken).ConfigureAwait(false);
            throw;
        }

        PredictionPage result = await predictions.PageAsync(filter, page, pageSize, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(actor.Name, "history.view", "predictions", AuditOutcome.Succeeded,
            $"{filter.Describe()}; page {page} of size {pageSize}: {result.Items.Count} of {result.Total} rows", cancellationToken).ConfigureAwait(false);
        return result;
    }
}
