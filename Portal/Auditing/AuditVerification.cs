using MedCrypt.Domain.Access;
using System.Security.Claims;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Auditing;

/// <summary>
/// The chain's verification for auditors and administrators, recorded as one entry per run. (The search of the log is
/// the Domain's <see cref="SearchAuditLog"/>; this stays here, apart, while the chain's verification is being replaced.)
/// </summary>
public sealed class AuditVerification(IServiceScopeFactory scopes, AuditLog audit, AccessGuard guard)
{
    /// <summary>Verifies the whole chain; the result names the first broken entry, if any.</summary>
    public async Task<ChainVerification> VerifyAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await AuthoriseAsync(user, "audit.verify", cancellationToken);
        long entries;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            entries = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.LongCountAsync(cancellationToken);
        }

        ChainBreak? broken = await audit.VerifyAsync(cancellationToken);
        await audit.RecordAsync(Actor(user), "audit.verify", "audit", AuditOutcome.Succeeded,
            broken is null ? $"{entries} entries verify" : $"breaks at entry {broken.Sequence}: {broken.Reason}", cancellationToken);
        return new ChainVerification(broken is null, entries, broken?.Sequence, broken?.Reason);
    }

    private Task AuthoriseAsync(ClaimsPrincipal user, string action, CancellationToken cancellationToken) =>
        guard.DemandAsync(user.ToActor(), Permission.ReadAudit, action, "audit", cancellationToken: cancellationToken);

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
