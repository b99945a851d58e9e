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
        try
        {
            AuditRecord? last = await db.AuditRecords.AsNoTracking().OrderByDescending(r => r.Sequence).FirstOrDefaultAsync(cancellationToken);
            return last?.ToEvent();
        }
        catch (Exception e) when (Unreadable(e))
        {
            throw new AuditEntryUnreadableException(await NewestSequenceAsync(db, cancellationToken) - 1, e);
        }
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
        try
        {
            return (await db.AuditRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Sequence == sequence, cancellationToken))?.ToEvent();
        }
        catch (Exception e) when (Unreadable(e))
        {
            throw new AuditEntryUnreadableException(sequence - 1, e);
        }
    }

    public async IAsyncEnumerable<AuditEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IAsyncEnumerator<AuditRecord> rows = db.AuditRecords.AsNoTracking().OrderBy(r => r.Sequence).AsAsyncEnumerable().GetAsyncEnumerator(cancellationToken);
        long last = 0;
        while (true)
        {
            AuditEvent entry;
            try
            {
                if (!await rows.MoveNextAsync())
                {
                    yield break;
                }

                entry = rows.Current.ToEvent();
            }
            catch (Exception e) when (Unreadable(e))
            {
                throw new AuditEntryUnreadableException(last, e);
            }

            last = entry.Sequence;
            yield return entry;
        }
    }

    /// <summary>Where the unreadable newest row is, for the message; 1 when even that cannot be read.</summary>
    private static async Task<long> NewestSequenceAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            return await db.AuditRecords.MaxAsync(r => (long?)r.Sequence, cancellationToken) ?? 1;
        }
        catch (Exception e) when (Unreadable(e))
        {
            return 1;
        }
    }

    /// <summary>
    /// The database answered, but a row does not read as an entry (a value of the wrong type or form, a null where the
    /// schema has none): a change made to it. Only such conversion failures count: an outage, or anything else, is not
    /// taken for a rewrite, since that stops the writer for good.
    /// </summary>
    private static bool Unreadable(Exception e) =>
        !DatabaseOutage.Caused(e)
        && e is InvalidCastException or FormatException or OverflowException or ArgumentException
            or InvalidOperationException and not ObjectDisposedException and not { Source: "Npgsql" };
}
