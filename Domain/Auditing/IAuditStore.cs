namespace MedCrypt.Domain.Auditing;

/// <summary>Where the audit chain is kept (the portal's database). Appends must be serialised by the caller (<see cref="AuditLog"/>).</summary>
public interface IAuditStore
{
    Task<AuditEvent?> LastAsync(CancellationToken cancellationToken);

    /// <summary>Stores the entry.</summary>
    /// <exception cref="AuditSequenceTakenException">Its sequence number is taken: another writer got there first.</exception>
    Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>The stored hash of each of these entries that exists (an entry that is gone is absent).</summary>
    Task<IReadOnlyDictionary<long, string>> HashesAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken);

    /// <summary>Every entry, in sequence order, for verification.</summary>
    IAsyncEnumerable<AuditEvent> ReadAllAsync(CancellationToken cancellationToken);
}
