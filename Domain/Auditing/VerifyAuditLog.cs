using MedCrypt.Domain.Access;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// The audit log's verification for auditors and administrators, against the published signed heads (streamed once),
/// recorded as one entry per run. (The search of the log is the Domain's <see cref="SearchAuditLog"/>.)
/// </summary>
public sealed class VerifyAuditLog(AuditLog audit, IAuditAnchor anchor, AccessGuard guard)
{
    /// <summary>The result names the first broken entry or head, if any.</summary>
    public async Task<ChainVerification> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await guard.DemandAsync(actor, Permission.ReadAudit, "audit.verify", "audit", cancellationToken: cancellationToken).ConfigureAwait(false);
        AuditVerification result = await anchor.VerifyAsync(cancellationToken).ConfigureAwait(false);
        bool valid = result.Valid && anchor.Refusal is null && audit.Rewritten is null;
        string? reason = result.Reason
            ?? (anchor.Refusal is { } refusal ? $"the last head was not published: {refusal}" : null)
            ?? (audit.Rewritten is { } rewritten ? $"the audit writer stopped: {rewritten}" : null);
        var answer = new ChainVerification(valid, result.Entries, result.BrokenAt, reason, result.Heads, result.SignedEntries, result.HeadLine, anchor.Refusal);
        try
        {
            await audit.RecordAsync(actor.Name, "audit.verify", "audit", AuditOutcome.Succeeded,
                valid ? $"{result.Entries} entries verify, {result.SignedEntries} anchored by {result.Heads} signed heads" : $"does not verify: {reason}", cancellationToken).ConfigureAwait(false);
        }
        catch (Failures.ServiceUnavailableException) when (audit.Rewritten is null && audit.Held is not null)
        {
            return answer; // held back, not rewritten: the verification itself is still the auditor's to see
        }
        catch (Failures.ServiceUnavailableException) when (audit.Rewritten is not null)
        {
            // The one answer still given once the writer stopped: it names no patient, and it is how the auditor learns why.
            return answer with { Valid = false, Reason = reason ?? $"the audit writer stopped: {audit.Rewritten}" };
        }

        return answer;
    }
}
