namespace MedCrypt.Domain.Auditing;

/// <summary>Where the audit chain is kept (the portal's database). Appends must be serialised by the caller (<see cref="AuditLog"/>).</summary>
public interface IAuditStore
{
    Task<AuditEvent?> LastAsync(CancellationToken cancellationToken);

    /// <summary>Stores the entry.</summary>
    /// <exception cref="AuditSequenceTakenException">Its sequence number is taken: another writer got there first.</exception>
    Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>The entry with this number, as stored; null when there is none.</summary>
    Task<AuditEvent?> AtAsync(long sequence, CancellationToken cancellationToken);

    /// <summary>Every entry, in sequence order, for verification.</summary>
    IAsyncEnumerable<AuditEvent> ReadAllAsync(CancellationToken cancellationToken);
}
