using MedCrypt.Domain.Access;
using System.Security.Claims;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Auditing;

/// <summary>
/// Reading the audit log for auditors and administrators: entries filtered and paged in the database, newest first,
/// and the chain's verification. Reading it is itself recorded, one entry per query.
/// </summary>
public sealed class AuditSearch(IServiceScopeFactory scopes, AuditLog audit, AuditAnchor anchor)
{
    public const int MaxPageSize = 500;

    public static bool MayRead(ClaimsPrincipal user) => user.IsInRole(Roles.Auditor) || user.IsInRole(Roles.Admin);

    /// <param name="page">1-based.</param>
    public async Task<AuditPage> QueryAsync(ClaimsPrincipal user, AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        await AuthoriseAsync(user, "audit.view", cancellationToken);

        AuditPage result;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            IQueryable<AuditRecord> entries = TimeRange.AuditEventsAt(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), filter.From, filter.To).AsNoTracking();
            if (!string.IsNullOrWhiteSpace(filter.Actor))
            {
                entries = entries.Where(e => e.Actor == filter.Actor);
            }

            if (!string.IsNullOrWhiteSpace(filter.Action))
            {
                entries = entries.Where(e => e.Action == filter.Action);
            }

            if (filter.Outcome is { } outcome)
            {
                entries = entries.Where(e => e.Outcome == outcome);
            }

            int total = await entries.CountAsync(cancellationToken);
            List<AuditRecord> items = await entries.OrderByDescending(e => e.Sequence).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
            result = new AuditPage([.. items.Select(r => r.ToEvent())], total, page, pageSize);
        }

        await audit.RecordAsync(Actor(user), "audit.view", "audit", AuditOutcome.Succeeded,
            $"{filter.Describe()}; page {page} of size {pageSize}: {result.Items.Count} of {result.Total} entries", cancellationToken);
        return result;
    }

    /// <summary>Verifies the whole log against the published heads (streamed once); the result names the first broken entry or head, if any.</summary>
    public async Task<ChainVerification> VerifyAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await AuthoriseAsync(user, "audit.verify", cancellationToken);
        AuditVerification result = await anchor.VerifyAsync(cancellationToken);
        bool valid = result.Valid && anchor.Refusal is null;
        string? reason = result.Reason ?? (anchor.Refusal is { } refusal ? $"the last head was not published: {refusal}" : null);
        await audit.RecordAsync(Actor(user), "audit.verify", "audit", AuditOutcome.Succeeded,
            valid ? $"{result.Entries} entries verify, {result.SignedEntries} anchored by {result.Heads} signed heads" : $"does not verify: {reason}", cancellationToken);
        return new ChainVerification(valid, result.Entries, result.BrokenAt, reason, result.Heads, result.SignedEntries, result.HeadLine, anchor.Refusal);
    }

    private async Task AuthoriseAsync(ClaimsPrincipal user, string action, CancellationToken cancellationToken)
    {
        if (!MayRead(user))
        {
            await audit.RecordAsync(Actor(user), action, "audit", AuditOutcome.Denied, "only auditors and administrators read the audit log", cancellationToken);
            throw new UnauthorizedAccessException("Only auditors and administrators may read the audit log.");
        }
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
