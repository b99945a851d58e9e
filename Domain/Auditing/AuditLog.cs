namespace MedCrypt.Domain.Auditing;

/// <summary>
/// Records what people do — sign-ins, failed sign-ins, uploads, analyses, decryptions, exports, user and key
/// changes — as a hash chain, and verifies it. One instance per process (a singleton) serialises the appends; a second portal instance that
/// races for the same sequence number loses at the database's unique constraint and retries on the new tip.
/// </summary>
public sealed class AuditLog(IAuditStore store, TimeProvider clock)
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    public Task<AuditEvent> RecordAsync(string actor, string action, string subject, AuditOutcome outcome, string detail = "", CancellationToken cancellationToken = default) =>
        RecordAsync(actor, action, subject, outcome, detail, store.AppendAsync, cancellationToken);

    /// <summary>
    /// Records an event through the caller's own unit of work, so the event and the change it describes commit
    /// together or not at all (an analysis and its audit entry). <paramref name="commit"/> must store the entry it is
    /// given in one transaction with that change; it is called again with a new entry if another writer took the
    /// sequence number.
    /// </summary>
    public async Task<AuditEvent> RecordAsync(
        string actor, string action, string subject, AuditOutcome outcome, string detail, Func<AuditEvent, CancellationToken, Task> commit, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                AuditEvent entry = AuditChain.Append(await store.LastAsync(cancellationToken).ConfigureAwait(false), clock.GetUtcNow(), actor, action, subject, outcome, detail);
                try
                {
                    await commit(entry, cancellationToken).ConfigureAwait(false);
                    return entry;
                }
                catch (Exception) when (attempt < 5 && !cancellationToken.IsCancellationRequested)
                {
                    // Another instance appended first: chain onto its entry.
                }
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>The first broken link, or null when the whole log verifies.</summary>
    public async Task<ChainBreak?> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<AuditEvent>();
        await foreach (AuditEvent entry in store.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        return AuditChain.Verify(entries);
    }
}
