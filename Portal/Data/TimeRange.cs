using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Data;

/// <summary>
/// "From this instant, before that one" on both providers. PostgreSQL compares timestamptz natively. EF's SQLite
/// provider stores a DateTimeOffset as text and refuses to compare or order it, so there the rows come from SQL that
/// compares julianday() of that text (which honours the stored offset), and LINQ composes on top of it.
/// </summary>
internal static class TimeRange
{
    public static IQueryable<StudyRecord> StudiesCreated(PortalDbContext db, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is null && to is null)
        {
            return db.Studies;
        }

        if (db.Database.IsSqlite())
        {
            return db.Studies.FromSql(
                $"""SELECT * FROM "Studies" WHERE julianday("CreatedAt") >= julianday({Start(from)}) AND julianday("CreatedAt") < julianday({End(to)})""");
        }

        IQueryable<StudyRecord> studies = db.Studies;
        if (from is { } start)
        {
            start = start.ToUniversalTime(); // Npgsql writes timestamptz parameters in UTC only
            studies = studies.Where(s => s.CreatedAt >= start);
        }

        if (to is { } end)
        {
            end = end.ToUniversalTime();
            studies = studies.Where(s => s.CreatedAt < end);
        }

        return studies;
    }

    public static IQueryable<AuditRecord> AuditEventsAt(PortalDbContext db, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is null && to is null)
        {
            return db.AuditRecords;
        }

        if (db.Database.IsSqlite())
        {
            return db.AuditRecords.FromSql(
                $"""SELECT * FROM "AuditEvents" WHERE julianday("At") >= julianday({Start(from)}) AND julianday("At") < julianday({End(to)})""");
        }

        IQueryable<AuditRecord> events = db.AuditRecords;
        if (from is { } start)
        {
            start = start.ToUniversalTime();
            events = events.Where(e => e.At >= start);
        }

        if (to is { } end)
        {
            end = end.ToUniversalTime();
            events = events.Where(e => e.At < end);
        }

        return events;
    }

    /// <summary>An instant as SQLite's date functions read it (UTC, to the millisecond); an open end as the calendar's limit.</summary>
    private static string Start(DateTimeOffset? at) => at is null ? "0001-01-01 00:00:00.000" : Text(at.Value);

    private static string End(DateTimeOffset? at) => at is null ? "9999-12-31 23:59:59.999" : Text(at.Value);

    private static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
