using System.Security.Claims;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Authorization;

namespace MedCrypt.Portal.Auditing;

/// <summary>
/// The audit log's verification for auditors and administrators, against the published signed heads (streamed once),
/// recorded as one entry per run. (The search of the log is the Domain's <see cref="SearchAuditLog"/>.)
/// </summary>
public sealed class VerifyAuditLog(AuditLog audit, AuditAnchor anchor, AccessGuard guard)
{
    /// <summary>The result names the first broken entry or head, if any.</summary>
    public async Task<ChainVerification> VerifyAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        Actor actor = await guard.DemandAsync(user, Permission.ReadAudit, "audit.verify", "audit", cancellationToken);
        AuditVerification result = await anchor.VerifyAsync(cancellationToken);
        bool valid = result.Valid && anchor.Refusal is null;
        string? reason = result.Reason ?? (anchor.Refusal is { } refusal ? $"the last head was not published: {refusal}" : null);
        await audit.RecordAsync(actor.Name, "audit.verify", "audit", AuditOutcome.Succeeded,
            valid ? $"{result.Entries} entries verify, {result.SignedEntries} anchored by {result.Heads} signed heads" : $"does not verify: {reason}", cancellationToken);
        return new ChainVerification(valid, result.Entries, result.BrokenAt, reason, result.Heads, result.SignedEntries, result.HeadLine, anchor.Refusal);
    }
}
