using MedCrypt.Domain.Auditing;

namespace MedCrypt.Portal.Data;

/// <summary>An audit entry as stored: one row per <see cref="AuditEvent"/>, the sequence unique.</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }

    public long Sequence { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string Subject { get; set; }

    public AuditOutcome Outcome { get; set; }

    public required string Detail { get; set; }

    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }

    public static AuditRecord From(AuditEvent e) => new()
    {
        Sequence = e.Sequence,
        At = e.At,
        Actor = e.Actor,
        Action = e.Action,
        Subject = e.Subject,
        Outcome = e.Outcome,
        Detail = e.Detail,
        PreviousHash = e.PreviousHash,
        Hash = e.Hash,
    };

    public AuditEvent ToEvent() => new(Sequence, At, Actor, Action, Subject, Outcome, Detail, PreviousHash, Hash);
}
