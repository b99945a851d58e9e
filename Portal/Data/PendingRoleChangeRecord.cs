namespace MedCrypt.Portal.Data;

/// <summary>
/// A privileged role (Doctor, Admin) one administrator asked for and a second must confirm, or one granted at once by
/// break-glass that a second must review. The role is held only while <see cref="State"/> says so.
/// </summary>
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
}

/// <summary>
/// Pending → Confirmed (role granted) | Rejected | Expired. BreakGlass (role held now) → Confirmed (a second
/// administrator kept it) | Rejected (they withdrew it) | Expired (withdrawn automatically).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RoleChangeState>))]
public enum RoleChangeState
{
    Pending,
    BreakGlass,
    Confirmed,
    Rejected,
    Expired,
}
