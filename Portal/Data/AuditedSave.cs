using MedCrypt.Domain.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MedCrypt.Portal.Data;

/// <summary>
/// Adds the audit entry to a unit of work and saves it, and turns the database's refusal of a taken sequence number (the
/// unique index on it) into <see cref="AuditSequenceTakenException"/>, the one failure the audit log retries.
/// </summary>
internal static class AuditedSave
{
    private const int SqliteConstraint = 19, SqliteConstraintUnique = 2067, SqliteConstraintPrimaryKey = 1555;

    public static async Task SaveWithAuditEntryAsync(this PortalDbContext db, AuditEvent entry, CancellationToken cancellationToken)
    {
        db.AuditRecords.Add(AuditRecord.From(entry));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e))
        {
            throw new AuditSequenceTakenException(entry.Sequence, e);
        }
    }

    /// <summary>The database refused a row for a unique index or primary key (SQLite or PostgreSQL).</summary>
    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException s => s.SqliteErrorCode == SqliteConstraint && s.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        _ => false,
    };
}
