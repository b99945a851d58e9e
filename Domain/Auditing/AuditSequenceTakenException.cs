namespace MedCrypt.Domain.Auditing;

/// <summary>
/// Another writer (a second portal instance) extended the audit chain first: the entry's sequence number is taken.
/// The one failure <see cref="AuditLog"/> retries, on the new tip; any other failure reaches the caller at once.
/// </summary>
public sealed class AuditSequenceTakenException(long sequence, Exception innerException)
    : Exception($"Audit sequence number {sequence} was taken by another writer.", innerException)
{
    public long Sequence { get; } = sequence;
}
