namespace MedCrypt.Domain.Auditing;

/// <summary>
/// One entry of the audit log: who did what to which subject, when, and whether it was allowed. Entries form a hash
/// chain (<see cref="AuditChain"/>): each carries the hash of the one before, so an edited, removed or reordered
/// entry breaks every link after it.
/// </summary>
public sealed record AuditEvent(
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string Action,
    string Subject,
    AuditOutcome Outcome,
    string Detail,
    string PreviousHash,
    string Hash);

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<AuditOutcome>))]
public enum AuditOutcome
{
    Succeeded,
    Denied,
    Failed,
}
