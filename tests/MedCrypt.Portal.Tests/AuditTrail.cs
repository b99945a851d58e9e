using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The audit log as the tests read it: one "actor action outcome" line per entry, oldest first, straight from the database.</summary>
internal static class AuditTrail
{
    public static async Task<string[]> ReadAsync(PortalFactory factory, CancellationToken ct)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return [.. await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords
            .OrderBy(r => r.Sequence).Select(r => r.Actor + " " + r.Action + " " + r.Outcome.ToString()).ToListAsync(ct)];
    }
}
