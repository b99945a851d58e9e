using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Accounts;

/// <summary>
/// Accounts for administrators: list, create with an initial password that meets the policy, change roles, lock and
/// unlock, reset a lost authenticator. Each change is one transaction (an account is never left half-made) and
/// audited; nobody locks themselves out or changes their own roles, and the last administrator stays one. A
/// privileged role is never granted here: it becomes a request a second administrator confirms (<see cref="RoleApprovals"/>).
/// </summary>
public sealed class UserAdministration(IAccountStore accounts, RoleApprovals approvals, AuditLog audit, AccessGuard guard, TimeProvider clock)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <exception cref="AccessDeniedException">The user is not an administrator (audited).</exception>
    public async Task<IReadOnlyList<AccountSummary>> ListAsync(Actor actor, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerUsers, "users.list", "users", cancellationToken: cancellationToken);
        IReadOnlyList<AccountSummary> all = await accounts.ListAsync(cancellationToken);
        await audit.RecordAsync(actor.Name, "users.list", "users", AuditOutcome.Succeeded, $"{all.Count} accounts", cancellationToken);
        return [.. all.OrderBy(a => a.Email, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>One account (where a created account's Location points).</summary>
    /// <exception cref="AccessDeniedException">The user is not an administrator (audited).</exception>
    /// <exception cref="NotFoundException">No such user.</exception>
    public async Task<AccountSummary> FindAsync(Actor actor, string userId, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerUsers, "user.view", $"user/{userId}", cancellationToken: cancellationToken);
        AccountSummary account = await FindAsync(userId, cancellationToken);
        await audit.RecordAsync(actor.Name, "user.view", $"user/{account.Email}", AuditOutcome.Succeeded, "", cancellationToken);
        return account;
    }

    /// <summary>Creates the account with its ordinary roles; each privileged one becomes a request in <see cref="AccountCreation.Pending"/>.</summary>
    /// <exception cref="RejectedInputException">A bad email, an unknown role, or a password the policy refuses (the message says why; audited).</exception>
    public async Task<AccountCreation> CreateAsync(Actor actor, string email, string password, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        email = email.Trim();
        string subject = $"user/{email}";
        await guard.DemandAsync(actor, Permission.AdministerUsers, "user.create", subject, cancellationToken: cancellationToken);
        string[] immediate = [.. roles.Where(r => !AccessPolicy.IsPrivileged(r)).Distinct()];
        AccountSummary? account = null;
        await ChangeAsync(actor, "user.create", subject, $"roles: {string.Join(", ", immediate)}", async (entry, ct) =>
            account = await accounts.CreateAsync(email, password, immediate, entry, ct), () => CheckRoles(roles), cancellationToken);
        List<RoleChange> pending = [];
        foreach (string role in roles.Where(AccessPolicy.IsPrivileged).Distinct())
        {
            pending.Add(await approvals.RequestAsync(actor, account!, role, cancellationToken));
        }

        return new AccountCreation(account!, pending);
    }

    /// <summary>Removes and adds ordinary roles at once; a privileged role to add becomes a request, returned.</summary>
    /// <exception cref="RejectedInputException">An unknown role, or none.</exception>
    /// <exception cref="AccessDeniedException">The caller's own account (audited).</exception>
    /// <exception cref="ConflictException">The change would remove the last administrator.</exception>
    /// <exception cref="NotFoundException">No such user.</exception>
    public async Task<IReadOnlyList<RoleChange>> SetRolesAsync(Actor actor, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerUsers, "user.roles", $"user/{userId}", cancellationToken: cancellationToken);
        AccountSummary account = await FindAsync(userId, cancellationToken);
        string subject = $"user/{account.Email}";
        if (actor.IsAccount(account.Id, account.Email))
        {
            await audit.RecordAsync(actor.Name, "user.roles", subject, AuditOutcome.Denied, "own roles", cancellationToken);
            throw new AccessDeniedException(Permission.AdministerUsers, "Nobody changes their own roles: another administrator must.");
        }

        IReadOnlyList<string> current = account.Roles;
        string[] removed = [.. current.Except(roles)];
        string[] added = [.. roles.Except(current).Where(r => !AccessPolicy.IsPrivileged(r)).Distinct()];
        string[] now = [.. current.Except(removed).Concat(added).Order(StringComparer.Ordinal)];
        try
        {
            CheckRoles(roles);
            if (removed.Contains(Roles.Admin) && await accounts.CountInRoleAsync(Roles.Admin, cancellationToken) <= 1)
            {
                throw new ConflictException("This is the last administrator: make another one first.");
            }
        }
        catch (Exception e) when (e is RejectedInputException or ConflictException)
        {
            await audit.RecordAsync(actor.Name, "user.roles", subject, AuditOutcome.Denied, e.Message, cancellationToken);
            throw;
        }

        await ChangeAsync(actor, "user.roles", subject, $"now {string.Join(", ", now)} (was {string.Join(", ", current.Order(StringComparer.Ordinal))})",
            (entry, ct) => accounts.ChangeRolesAsync(account.Id, removed, added, entry, ct), cancellationToken: cancellationToken);
        List<RoleChange> pending = [];
        foreach (string role in roles.Except(current).Where(AccessPolicy.IsPrivileged).Distinct())
        {
            pending.Add(await approvals.RequestAsync(actor, account, role, cancellationToken));
        }

        return pending;
    }

    /// <summary>Locks the account indefinitely (its sessions end at their next check), or unlocks it and clears failed attempts.</summary>
    /// <exception cref="ConflictException">An administrator tried to lock their own account (audited).</exception>
    /// <exception cref="NotFoundException">No such user.</exception>
    public async Task SetLockedAsync(Actor actor, string userId, bool locked, CancellationToken cancellationToken)
    {
        string action = locked ? "user.lock" : "user.unlock";
        await guard.DemandAsync(actor, Permission.AdministerUsers, action, $"user/{userId}", cancellationToken: cancellationToken);
        AccountSummary account = await FindAsync(userId, cancellationToken);
        string subject = $"user/{account.Email}";
        if (locked && actor.IsAccount(account.Id, account.Email))
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Denied, "own account", cancellationToken);
            throw new ConflictException("You cannot lock your own account.");
        }

        await ChangeAsync(actor, action, subject, "", (entry, ct) => accounts.SetLockedAsync(account.Id, locked, entry, ct), cancellationToken: cancellationToken);
    }

    /// <summary>Turns two-factor sign-in off and discards the authenticator key and recovery codes (a lost phone); the user enrols again.</summary>
    /// <exception cref="NotFoundException">No such user.</exception>
    public async Task ResetTwoFactorAsync(Actor actor, string userId, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerUsers, "user.two-factor.reset", $"user/{userId}", cancellationToken: cancellationToken);
        AccountSummary account = await FindAsync(userId, cancellationToken);
        await ChangeAsync(actor, "user.two-factor.reset", $"user/{account.Email}", "", (entry, ct) => accounts.ResetTwoFactorAsync(account.Id, entry, ct), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="change"/> with its audit entry in one transaction (the store commits both or neither); a
    /// refusal on the way (<paramref name="check"/>'s, or the store's: bad input, a conflict, the account gone) is
    /// audited as failed and thrown on.
    /// </summary>
    private async Task ChangeAsync(
        Actor actor, string action, string subject, string detail, Func<AuditEvent, CancellationToken, Task> change, Action? check = null, CancellationToken cancellationToken = default)
    {
        try
        {
            check?.Invoke();
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Succeeded, detail, change, cancellationToken);
        }
        catch (Exception e) when (e is RejectedInputException or ConflictException or NotFoundException)
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Failed, e.Message, cancellationToken);
            throw;
        }
    }

    private async Task<AccountSummary> FindAsync(string userId, CancellationToken cancellationToken) =>
        await accounts.FindAsync(userId, cancellationToken) ?? throw new NotFoundException($"There is no user {userId}.");

    private static void CheckRoles(IReadOnlyCollection<string> roles)
    {
        if (roles.Count == 0)
        {
            throw new RejectedInputException("Give the account at least one role.");
        }

        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
        {
            throw new RejectedInputException($"Unknown role '{unknown}'. Roles: {string.Join(", ", Roles.All)}.");
        }
    }
}
