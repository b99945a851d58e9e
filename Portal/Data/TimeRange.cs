using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace MedCrypt.Portal.Data;

/// <summary>
/// "From this instant, before that one" on both providers. PostgreSQL compares timestamptz natively. EF's SQLite
/// provider stores a DateTimeOffset as text and refuses to compare or order it, so there the rows come from SQL that
/// compares julianday() of that text (which honours the stored offset), and LINQ composes on top of it.
/// </summary>
internal static class TimeRange
{
    public static IQueryable<StudyRecord> StudiesCreated(PortalDbContext db, DateTimeOffset? from, DateTimeOffset? to) =>
        Within(db, db.Studies, s => s.CreatedAt, from, to);

    public static IQueryable<AuditRecord> AuditEventsAt(PortalDbContext db, DateTimeOffset? from, DateTimeOffset? to) =>
        Within(db, db.AuditRecords, e => e.At, from, to);

    private static IQueryable<T> Within<T>(PortalDbContext db, DbSet<T> rows, Expression<Func<T, DateTimeOffset>> at, DateTimeOffset? from, DateTimeOffset? to)
        where T : class
    {
        if (from is null && to is null)
        {
            return rows;
        }

        if (db.Database.IsSqlite())
        {
            // Table and column names come from the model, the bounds are parameters.
            IEntityType entity = db.Model.FindEntityType(typeof(T))!;
            string table = entity.GetTableName()!;
            string column = entity.FindProperty(((MemberExpression)at.Body).Member.Name)!.GetColumnName(StoreObjectIdentifier.Table(table, null))!;
            string sql = $$"""SELECT * FROM "{{table}}" WHERE julianday("{{column}}") >= julianday({0}) AND julianday("{{column}}") < julianday({1})""";
            return rows.FromSqlRaw(sql, Start(from), End(to));
        }

        IQueryable<T> query = rows;
        if (from is { } start)
        {
            start = start.ToUniversalTime(); // Npgsql writes timestamptz parameters in UTC only
            query = query.Where(Compose(at, value => value >= start));
        }

        if (to is { } end)
        {
            end = end.ToUniversalTime();
            query = query.Where(Compose(at, value => value < end));
        }

        return query;
    }

    /// <summary>The row's instant put into a bound's test; the bound stays a captured variable, so a query parameter.</summary>
    private static Expression<Func<T, bool>> Compose<T>(Expression<Func<T, DateTimeOffset>> at, Expression<Func<DateTimeOffset, bool>> test) =>
        Expression.Lambda<Func<T, bool>>(ReplacingExpressionVisitor.Replace(test.Parameters[0], at.Body, test.Body), at.Parameters);

    /// <summary>An instant as SQLite's date functions read it (UTC, to the millisecond); an open end as the calendar's limit.</summary>
    private static string Start(DateTimeOffset? at) => at is null ? "0001-01-01 00:00:00.000" : Text(at.Value);

    private static string End(DateTimeOffset? at) => at is null ? "9999-12-31 23:59:59.999" : Text(at.Value);

    private static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
