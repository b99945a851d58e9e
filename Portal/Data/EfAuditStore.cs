using MedCrypt.Domain.Auditing;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Data;

/// <summary>The audit chain in the portal's database; each call in a context of its own, outside any page's unit of work.</summary>
internal sealed class EfAuditStore(IServiceScopeFactory scopes) : IAuditStore
{
    public async Task<AuditEvent?> LastAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        AuditRecord? last = await db.AuditRecords.AsNoTracking().OrderByDescending(r => r.Sequence).FirstOrDefaultAsync(cancellationToken);
        return last?.ToEvent();
    }

    public async Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await db.SaveWithAuditEntryAsync(entry, cancellationToken);
    }

    public async Task<AuditEvent?> AtAsync(long sequence, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return (await db.AuditRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Sequence == sequence, cancellationToken))?.ToEvent();
    }

    public async IAsyncEnumerable<AuditEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await foreach (AuditRecord record in db.AuditRecords.AsNoTracking().OrderBy(r => r.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return record.ToEvent();
        }
    }
}
