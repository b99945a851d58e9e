using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Accounts;

/// <summary>
/// Separation of duties for privileged roles (<see cref="AccessPolicy.IsPrivileged"/>): one administrator asks, a
/// second (neither the requester nor the account) confirms, and only then is the role granted. Requests close
/// unconfirmed after <see cref="RequestLifetime"/>; break-glass grants (<see cref="BreakGlass"/>) are withdrawn when
/// theirs runs out unreviewed.
/// </summary>
public sealed class RoleApprovals(IRoleChangeStore changes, IAccountStore accounts, AuditLog audit, AccessGuard guard, TimeProvider clock)
{
    public static readonly TimeSpan RequestLifetime = TimeSpan.FromHours(24);

    /// <summary>The open requests and break-glass grants, oldest first; expired ones are closed first.</summary>
    public async Task<IReadOnlyList<RoleChange>> ListAsync(Actor actor, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerUsers, "role.changes.list", "role-changes", cancellationToken: cancellationToken);
        await SweepAsync(cancellationToken);
        return [.. (await changes.OpenAsync(cancellationToken)).OrderBy(c => c.RequestedAt)];
    }

    /// <summary>How many administrators there are: with one, nobody can confirm, and break-glass is the only way.</summary>
    public Task<int> AdministratorCountAsync(CancellationToken cancellationToken) => accounts.CountInRoleAsync(Roles.Admin, cancellationToken);

    /// <summary>Asks for <paramref name="role"/> on the account (the caller has checked the permission and that it is not the actor's own); an open identical request is returned as it is.</summary>
    internal async Task<RoleChange> RequestAsync(Actor actor, AccountSummary account, string role, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        if ((await changes.OpenAsync(cancellationToken)).FirstOrDefault(c => c.TargetUserId == account.Id && c.Role == role && c.State == RoleChangeState.Pending && c.ExpiresAt > now) is { } existing)
        {
            return existing;
        }

        var change = new RoleChange(Guid.NewGuid(), account.Id, account.Email, role, actor.Name, now, now + RequestLifetime, RoleChangeState.Pending);
        await audit.RecordAsync(actor.Name, "role.request", $"user/{change.TargetEmail}", AuditOutcome.Succeeded,
            $"{role} awaits a second administrator until {change.ExpiresAt.UtcDateTime:u} (request {change.Id:D})",
            (entry, ct) => changes.AddAsync(change, RoleEffect.None, entry, ct), cancellationToken);
        return change;
    }

    /// <summary>A second administrator confirms: a request's role is granted, a break-glass grant is kept for good.</summary>
    /// <exception cref="AccessDeniedException">Not an administrator, or the requester or the account itself.</exception>
    /// <exception cref="NotFoundException">No such change.</exception>
    /// <exception cref="ConflictException">Already decided, expired, or the account is gone.</exception>
    public async Task ConfirmAsync(Actor actor, Guid changeId, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerUsers, "role.confirm", $"role-change/{changeId:D}", cancellationToken: cancellationToken);
        await SweepAsync(cancellationToken);
        RoleChange change = await OpenAsync(actor, "role.confirm", changeId, cancellationToken);
        string? refusal = actor.IsNamed(change.RequestedBy) ? "You asked for this change: another administrator must confirm it."
            : change.Involves(actor) ? "Nobody confirms a role for themselves: another administrator must."
            : null;
        if (refusal is not null)
        {
            await audit.RecordAsync(actor.Name, "role.confirm", $"user/{change.TargetEmail}", AuditOutcome.Denied, $"{change.Role}: {refusal}", cancellationToken);
            throw new AccessDeniedException(Permission.AdministerUsers, refusal);
        }

        await DecideAsync(actor, change, RoleChangeState.Confirmed, "role.confirm",
            change.IsBreakGlass ? $"break-glass {change.Role} kept (requested by {change.RequestedBy})" : $"{change.Role} granted (requested by {change.RequestedBy})",
            cancellationToken);
    }

    /// <summary>Any administrator rejects (the requester withdraws): a request is dropped, a break-glass grant withdrawn now.</summary>
    /// <exception cref="AccessDeniedException">Not an administrator.</exception>
    /// <exception cref="NotFoundException">No such change.</exception>
    /// <exception cref="ConflictException">Already decided or expired.</exception>
    public async Task RejectAsync(Actor actor, Guid changeId, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerUsers, "role.reject", $"role-change/{changeId:D}", cancellationToken: cancellationToken);
        await SweepAsync(cancellationToken);
        RoleChange change = await OpenAsync(actor, "role.reject", changeId, cancellationToken);
        await DecideAsync(actor, change, RoleChangeState.Rejected, "role.reject",
            change.IsBreakGlass ? $"break-glass {change.Role} withdrawn" : $"{change.Role} not granted (requested by {change.RequestedBy})",
            cancellationToken);
    }

    /// <summary>Closes what has run out: requests expire unconfirmed, break-glass grants are withdrawn. Runs on a timer and before each decision.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        RoleChange[] expired = [.. (await changes.OpenAsync(cancellationToken)).Where(c => c.ExpiresAt <= now)];
        Actor system = Actor.System("role expiry");
        foreach (RoleChange change in expired)
        {
            await DecideAsync(system, change, RoleChangeState.Expired, change.IsBreakGlass ? "role.break-glass.expired" : "role.request.expired",
                change.IsBreakGlass ? $"break-glass {change.Role} withdrawn: no second administrator confirmed it" : $"{change.Role} not granted: nobody confirmed it (requested by {change.RequestedBy})",
                cancellationToken);
        }

        return expired.Length;
    }

    private async Task<RoleChange> OpenAsync(Actor actor, string action, Guid changeId, CancellationToken cancellationToken)
    {
        RoleChange change = await changes.FindAsync(changeId, cancellationToken) ?? throw new NotFoundException($"There is no role change {changeId:D}.");
        if (change.IsOpen)
        {
            return change;
        }

        string why = change.State == RoleChangeState.Expired ? "It expired: ask again." : $"It was {change.State.ToString().ToLowerInvariant()} already by {change.DecidedBy}.";
        await audit.RecordAsync(actor.Name, action, $"user/{change.TargetEmail}", AuditOutcome.Denied, $"{change.Role}: {why}", cancellationToken);
        throw new ConflictException($"This change of {change.TargetEmail} to {change.Role} is closed. {why}");
    }

    /// <summary>Closes a change and applies it (grant on confirming a request, withdrawal on ending a break-glass grant) with its audit entry, in one transaction.</summary>
    private async Task DecideAsync(Actor actor, RoleChange open, RoleChangeState outcome, string action, string detail, CancellationToken cancellationToken)
    {
        string subject = $"user/{open.TargetEmail}";
        try
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Succeeded, $"{detail} (change {open.Id:D})",
                (entry, ct) => changes.DecideAsync(open, open with { State = outcome, DecidedBy = actor.Name, DecidedAt = clock.GetUtcNow() }, open.EffectOf(outcome), entry, ct),
                cancellationToken);
        }
        catch (ConflictException e)
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Failed, e.Message, cancellationToken);
            throw;
        }
    }
}
