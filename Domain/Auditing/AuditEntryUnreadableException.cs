namespace MedCrypt.Domain.Auditing;

/// <summary>
/// A row of the log does not read as an entry (a value of the wrong type, a null where the schema had none): the
/// database answered, so this is not an outage but a change made to it. Verification calls the log invalid there,
/// and the publisher refuses (which stops the writer), rather than failing and trying again for ever.
/// </summary>
public sealed class AuditEntryUnreadableException(long after, Exception innerException)
    : Exception($"entry {after + 1} does not read as an entry ({innerException?.Message}): a row that cannot be read was changed in the database", innerException)
{
    /// <summary>The last sequence number read before it (0 when the first row failed).</summary>
    public long After { get; } = after;
}
