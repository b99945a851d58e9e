using MedCrypt.Domain.Auditing;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Data;

/// <summary>The audit log's search in the database: the filter becomes SQL (time range through <see cref="TimeRange"/>), one count and one page.</summary>
internal sealed class EfAuditQueries(IServiceScopeFactory scopes) : IAuditQueries
{
    public async Task<AuditPage> FindAsync(AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        IQueryable<AuditRecord> entries = TimeRange.AuditEventsAt(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), filter.From, filter.To).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            entries = entries.Where(e => e.Actor == filter.Actor);
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            entries = entries.Where(e => e.Action == filter.Action);
        }

        if (!string.IsNullOrWhiteSpace(filter.Subject))
        {
            entries = entries.Where(e => e.Subject == filter.Subject);
        }

        if (filter.Outcome is { } outcome)
        {
            entries = entries.Where(e => e.Outcome == outcome);
        }

        int total = await entries.CountAsync(cancellationToken);
        List<AuditRecord> items = await entries.OrderByDescending(e => e.Sequence).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new AuditPage([.. items.Select(r => r.ToEvent())], total, page, pageSize);
    }

    public async Task<AuditEvent?> LastOfAsync(IReadOnlyCollection<string> actions, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        AuditRecord? last = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.AsNoTracking()
            .Where(r => actions.Contains(r.Action)).OrderByDescending(r => r.Sequence).FirstOrDefaultAsync(cancellationToken);
        return last?.ToEvent();
    }
}
