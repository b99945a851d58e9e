using MedCrypt.Domain.Access;

namespace MedCrypt.Domain.Accounts;

/// <summary>
/// A privileged role (Doctor, Admin) one administrator asked for and a second must confirm, or one granted at once by
/// break-glass that a second must review. The role is held only while <see cref="State"/> says so.
/// </summary>
/// <param name="TargetEmail">The account's email when asked, for the list and the audit log after the account is gone.</param>
/// <param name="ExpiresAt">A request cannot be confirmed after this; a break-glass grant is withdrawn at this time unless reviewed.</param>
/// <param name="Reason">Break-glass only: why it could not wait.</param>
public sealed record RoleChange(
    Guid Id, string TargetUserId, string TargetEmail, string Role, string RequestedBy, DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt, RoleChangeState State, string Reason = "", string? DecidedBy = null, DateTimeOffset? DecidedAt = null)
{
    public bool IsBreakGlass => State == RoleChangeState.BreakGlass;

    public bool IsOpen => State is RoleChangeState.Pending or RoleChangeState.BreakGlass;

    /// <summary>The actor asked for it or is its account: they may withdraw it, never confirm it.</summary>
    public bool Involves(Actor actor) => actor.IsNamed(RequestedBy) || actor.IsAccount(TargetUserId, TargetEmail);

    /// <summary>What closing it as <paramref name="outcome"/> does to the account's roles.</summary>
    public RoleEffect EffectOf(RoleChangeState outcome) =>
        outcome == RoleChangeState.Confirmed && State == RoleChangeState.Pending ? RoleEffect.Grant
        : outcome != RoleChangeState.Confirmed && State == RoleChangeState.BreakGlass ? RoleEffect.Withdraw
        : RoleEffect.None;
}
