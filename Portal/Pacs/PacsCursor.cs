using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Pacs;

/// <summary>The importer's place in the PACS's change feed, in the portal's database: a restart resumes after it.</summary>
internal sealed class PacsCursor(IServiceScopeFactory scopes)
{
    private const int Row = 1;

    /// <summary>The last change taken care of, or null when this PACS was never followed from this database.</summary>
    public async Task<long?> ReadAsync(string source, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PacsCursorRecord? cursor = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().PacsCursors.AsNoTracking().SingleOrDefaultAsync(r => r.Id == Row, cancellationToken);
        return cursor is not null && cursor.Source == source ? cursor.LastChange : null;
    }

    public async Task SaveAsync(string source, long lastChange, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        PacsCursorRecord? cursor = await db.PacsCursors.SingleOrDefaultAsync(r => r.Id == Row, cancellationToken);
        if (cursor is null)
        {
            db.PacsCursors.Add(new PacsCursorRecord { Id = Row, Source = source, LastChange = lastChange });
        }
        else
        {
            cursor.Source = source;
            cursor.LastChange = lastChange;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
