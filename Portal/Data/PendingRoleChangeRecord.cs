using MedCrypt.Domain.Accounts;

namespace MedCrypt.Portal.Data;

/// <summary>A <see cref="RoleChange"/> as the database keeps it.</summary>
public sealed class PendingRoleChangeRecord
{
    public Guid Id { get; set; }

    public required string TargetUserId { get; set; }

    /// <summary>The account's email when asked, for the list and the audit log after the account is gone.</summary>
    public required string TargetEmail { get; set; }

    public required string Role { get; set; }

    public required string RequestedBy { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>A request cannot be confirmed after this; a break-glass grant is withdrawn at this time unless reviewed.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public RoleChangeState State { get; set; }

    /// <summary>Break-glass only: why it could not wait.</summary>
    public string Reason { get; set; } = "";

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public RoleChange ToChange() => new(Id, TargetUserId, TargetEmail, Role, RequestedBy, RequestedAt, ExpiresAt, State, Reason, DecidedBy, DecidedAt);

    public static PendingRoleChangeRecord From(RoleChange c) => new()
    {
        Id = c.Id,
        TargetUserId = c.TargetUserId,
        TargetEmail = c.TargetEmail,
        Role = c.Role,
        RequestedBy = c.RequestedBy,
        RequestedAt = c.RequestedAt,
        ExpiresAt = c.ExpiresAt,
        State = c.State,
        Reason = c.Reason,
        DecidedBy = c.DecidedBy,
        DecidedAt = c.DecidedAt,
    };
}
