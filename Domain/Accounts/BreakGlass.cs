using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Accounts;

/// <summary>
/// An emergency: Doctor for someone else at once, for <see cref="Lifetime"/>, with a reason; a distinct audit action
/// and a banner to every administrator until a second one decides (<see cref="RoleApprovals.ConfirmAsync"/> keeps
/// it, <see cref="RoleApprovals.RejectAsync"/> withdraws it); unreviewed, it is withdrawn automatically.
/// </summary>
public sealed class BreakGlass(IRoleChangeStore changes, IAccountStore accounts, IAuditQueries journal, AuditLog audit, AccessGuard guard, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);
    public const string Action = "role.break-glass";

    /// <summary>The role break-glass grants: the one an emergency needs (reading originals).</summary>
    public const string Role = Roles.Doctor;

    private const int MinimumReasonLength = 10;

    /// <exception cref="AccessDeniedException">Not an administrator, the caller's own account, or one the caller made.</exception>
    /// <exception cref="RejectedInputException">No real reason.</exception>
    /// <exception cref="NotFoundException">No such user.</exception>
    /// <exception cref="ConflictException">The account is a doctor already, or has no authenticator (the role would give it nothing).</exception>
    public async Task<RoleChange> GrantAsync(Actor actor, string userId, string reason, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerUsers, Action, $"user/{userId}", cancellationToken: cancellationToken);
        reason = reason.Trim();
        AccountSummary account = await accounts.FindAsync(userId, cancellationToken) ?? throw new NotFoundException($"There is no user {userId}.");
        string subject = $"user/{account.Email}";
        DomainException? refusal = await RefusalAsync(actor, account, subject, reason, cancellationToken);
        if (refusal is not null)
        {
            await audit.RecordAsync(actor.Name, Action, subject, AuditOutcome.Denied, refusal.Message, cancellationToken);
            throw refusal;
        }

        DateTimeOffset now = clock.GetUtcNow();
        var change = new RoleChange(Guid.NewGuid(), account.Id, account.Email, Role, actor.Name, now, now + Lifetime, RoleChangeState.BreakGlass, reason);
        await audit.RecordAsync(actor.Name, Action, subject, AuditOutcome.Succeeded,
            $"BREAK-GLASS: {Role} granted without a second administrator until {change.ExpiresAt.UtcDateTime:u} (change {change.Id:D}); reason: {reason}",
            (entry, ct) => changes.AddAsync(change, RoleEffect.Grant, entry, ct), cancellationToken);
        return change;
    }

    private async Task<DomainException?> RefusalAsync(Actor actor, AccountSummary account, string subject, string reason, CancellationToken cancellationToken)
    {
        if (actor.IsAccount(account.Id, account.Email))
        {
            return new AccessDeniedException(Permission.AdministerUsers, "Break-glass is for someone else: nobody grants themselves a role.");
        }

        // Whoever made the account set its first password and could sign in as it and enrol: to them it is not someone else.
        AuditPage made = await journal.FindAsync(new AuditFilter(Actor: actor.Name, Action: "user.create", Outcome: AuditOutcome.Succeeded, Subject: subject), 1, 1, cancellationToken);
        if (made.Total > 0)
        {
            return new AccessDeniedException(Permission.AdministerUsers, "You made this account and set its first password: break-glass is for an account someone else made.");
        }

        return reason.Length < MinimumReasonLength ? new RejectedInputException($"Say why it cannot wait for a second administrator (at least {MinimumReasonLength} characters).")
            : account.Roles.Contains(Role) ? new ConflictException($"{account.Email} is a doctor already.")
            : !account.TwoFactorEnabled
                ? new ConflictException($"{account.Email} has not enrolled an authenticator: a doctor may do nothing on a password alone, so break-glass would give them nothing. They enrol first (/account).")
            : null;
    }
}
