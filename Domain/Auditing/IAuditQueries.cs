namespace MedCrypt.Domain.Auditing;

/// <summary>Reads the audit log where it is kept: filtering, counting and paging happen in the store, never in memory.</summary>
public interface IAuditQueries
{
    /// <summary>The entries that match, newest first (highest sequence), one page of them, and how many match in all.</summary>
    /// <param name="page">1-based; already checked.</param>
    Task<AuditPage> FindAsync(AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>The newest entry with one of <paramref name="actions"/>, or null: the log as a job's journal.</summary>
    Task<AuditEvent?> LastOfAsync(IReadOnlyCollection<string> actions, CancellationToken cancellationToken);
}
