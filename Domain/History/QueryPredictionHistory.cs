using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.History;

/// <summary>
/// A page of the prediction history: every model's (and the ensemble's) reading of every slice, or the studies as a
/// whole (a series one row). It holds no images, so auditors read it too. Each query is one audit entry (never one
/// per row).
/// </summary>
public sealed class QueryPredictionHistory(IPredictionQueries predictions, AccessGuard guard, AuditLog audit)
{
    public const int MaxPageSize = 200;

    /// <summary>A page of predictions, one row a model's reading of one slice.</summary>
    /// <param name="page">1-based.</param>
    /// <exception cref="AccessDeniedException">The actor may not read the history (audited).</exception>
    /// <exception cref="RejectedInputException">A page below 1 or a page size outside 1 to <see cref="MaxPageSize"/>.</exception>
    public async Task<PredictionPage> RunAsync(Actor actor, HistoryFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await AdmitAsync(actor, filter, page, pageSize, cancellationToken).ConfigureAwait(false);
        PredictionPage result = await predictions.PageAsync(filter, page, pageSize, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(actor.Name, "history.view", "predictions", AuditOutcome.Succeeded,
            $"{filter.Describe()}; page {page} of size {pageSize}: {result.Items.Count} of {result.Total} rows", cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>A page of studies, one row a single image or a whole series, in the filter's model or the ensemble's.</summary>
    /// <inheritdoc cref="RunAsync" path="/param|/exception"/>
    public async Task<StudyPage> StudiesAsync(Actor actor, HistoryFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await AdmitAsync(actor, filter, page, pageSize, cancellationToken).ConfigureAwait(false);
        StudyPage result = await predictions.StudyPageAsync(filter, Classifier.EnsembleName, page, pageSize, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(actor.Name, "history.view", "predictions", AuditOutcome.Succeeded,
            $"{filter.Describe()}; studies, page {page} of size {pageSize}: {result.Items.Count} of {result.Total} studies", cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task AdmitAsync(Actor actor, HistoryFilter filter, int page, int pageSize, CancellationToken cancellationToken)
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
    }
}
