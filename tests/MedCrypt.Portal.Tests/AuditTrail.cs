using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The audit log as the tests read it, and as a database writer rewrites it.</summary>
internal static class AuditTrail
{
    /// <summary>One "actor action outcome" line per entry, oldest first, straight from the database.</summary>
    public static async Task<string[]> ReadAsync(PortalFactory factory, CancellationToken ct)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return [.. await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords
            .OrderBy(r => r.Sequence).Select(r => r.Actor + " " + r.Action + " " + r.Outcome.ToString()).ToListAsync(ct)];
    }

    /// <summary>
    /// Replaces the log with <paramref name="rewrite"/> of it and recomputes the chain, so that the database's log
    /// verifies on its own (what only the signed heads outside the database can catch).
    /// </summary>
    public static async Task RewriteAsync(PortalFactory factory, Func<List<AuditEvent>, List<AuditEvent>> rewrite, CancellationToken ct)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        List<AuditEvent> log = [.. (await db.AuditRecords.AsNoTracking().OrderBy(r => r.Sequence).ToListAsync(ct)).Select(r => r.ToEvent())];
        var recomputed = new List<AuditEvent>();
        foreach (AuditEvent e in rewrite(log))
        {
            recomputed.Add(AuditChain.Append(recomputed.LastOrDefault(), e.At, e.Actor, e.Action, e.Subject, e.Outcome, e.Detail));
        }

        await db.AuditRecords.ExecuteDeleteAsync(ct);
        db.AuditRecords.AddRange(recomputed.Select(AuditRecord.From));
        await db.SaveChangesAsync(ct);
        Assert.Null(AuditChain.Verify(recomputed));
    }
}
