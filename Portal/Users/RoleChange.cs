using MedCrypt.Portal.Data;

namespace MedCrypt.Portal.Users;

/// <summary>An open privileged-role change as the page and the API show it.</summary>
public sealed record RoleChange(
    Guid Id, string TargetUserId, string TargetEmail, string Role, string RequestedBy, DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt, RoleChangeState State, string Reason)
{
    public bool IsBreakGlass => State == RoleChangeState.BreakGlass;

    internal static RoleChange From(PendingRoleChangeRecord r) =>
        new(r.Id, r.TargetUserId, r.TargetEmail, r.Role, r.RequestedBy, r.RequestedAt, r.ExpiresAt, r.State, r.Reason);
}
