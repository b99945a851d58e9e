using MedCrypt.Domain.Access;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.History;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// The use case "search the audit log": for those with <see cref="Permission.ReadAudit"/>, entries filtered and paged
/// by the store, newest first. Reading the log is itself recorded, one entry per query; a refusal is one denied entry.
/// </summary>
public sealed class SearchAuditLog(IAuditQueries queries, AccessGuard guard, AuditLog audit)
{
    public const int MaxPageSize = 500;
    public const string Action = "audit.view";

    /// <param name="page">1-based.</param>
    /// <exception cref="AccessDeniedException">The actor may not read the audit log (audited).</exception>
    /// <exception cref="RejectedInputException">A page below 1, a page size outside 1–<see cref="MaxPageSize"/>, or 'to' not after 'from'.</exception>
    public async Task<AuditPage> RunAsync(Actor actor, AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(filter);
        await guard.DemandAsync(actor, Permission.ReadAudit, Action, "audit", filter.Describe(), cancellationToken).ConfigureAwait(false);
        if (page < 1)
        {
            throw new RejectedInputException($"The page must be 1 or more, not {page}.");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            throw new RejectedInputException($"The page size must be between 1 and {MaxPageSize}, not {pageSize}.");
        }

        Period.EnsureValid(filter.From, filter.To);

        AuditPage result = await queries.FindAsync(filter, page, pageSize, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(actor.Name, Action, "audit", AuditOutcome.Succeeded,
            $"{filter.Describe()}; page {page} of size {pageSize}: {result.Items.Count} of {result.Total} entries", cancellationToken).ConfigureAwait(false);
        return result;
    }
}
