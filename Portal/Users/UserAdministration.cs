using System.Security.Claims;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Account;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Users;

/// <summary>
/// Accounts for administrators: list, create with an initial password that meets the policy, change roles, lock and
/// unlock. Each change is one transaction (a user is never left half-made) and audited; an administrator cannot lock
/// themselves out, nor remove the last administrator, nor change their own roles. A privileged role is never granted
/// here: it becomes a request a second administrator confirms (<see cref="RoleApprovals"/>).
/// </summary>
/// <remarks>Identity's services are scoped: each call takes a scope of its own, as a Blazor circuit lives long.</remarks>
public sealed class UserAdministration(IServiceScopeFactory scopes, AuditLog audit, AccessGuard guard, TimeProvider clock, RoleApprovals approvals, AccountStanding standing)
{
    /// <exception cref="AccessDeniedException">The user is not an administrator (audited).</exception>
    public async Task<IReadOnlyList<UserSummary>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        string actor = (await guard.DemandAsync(user, Permission.AdministerUsers, "users.list", "users", cancellationToken)).Name;
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var memberships = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        ILookup<string, string> roles = memberships.ToLookup(m => m.UserId, m => m.Name ?? "");
        List<IdentityUser> users = await db.Users.AsNoTracking().ToListAsync(cancellationToken);
        await audit.RecordAsync(actor, "users.list", "users", AuditOutcome.Succeeded, $"{users.Count} accounts", cancellationToken);
        return
        [
            .. users.OrderBy(u => u.Email, StringComparer.OrdinalIgnoreCase).Select(u => new UserSummary(
                u.Id, u.Email ?? u.UserName ?? "", [.. roles[u.Id].Order(StringComparer.Ordinal)], u.LockoutEnd, u.TwoFactorEnabled, u.AccessFailedCount)),
        ];
    }

    /// <summary>Creates the account with its ordinary roles; each privileged one becomes a request in <see cref="UserCreation.Pending"/>.</summary>
    /// <exception cref="RejectedInputException">A bad email, an unknown role, or a password the policy refuses (the message says why).</exception>
    public async Task<UserCreation> CreateAsync(ClaimsPrincipal user, string email, string password, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        email = email.Trim();
        string subject = $"user/{email}";
        string actor = (await guard.DemandAsync(user, Permission.AdministerUsers, "user.create", subject, cancellationToken)).Name;
        try
        {
            CheckRoles(roles);
            await using AsyncServiceScope scope = scopes.CreateAsyncScope();
            UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await using IDbContextTransaction transaction = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.BeginTransactionAsync(cancellationToken);
            var account = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            string[] immediate = [.. roles.Where(r => !AccessPolicy.IsPrivileged(r))];
            Check(await users.CreateAsync(account, password));
            Check(await users.AddToRolesAsync(account, immediate));
            await transaction.CommitAsync(cancellationToken);
            await audit.RecordAsync(actor, "user.create", subject, AuditOutcome.Succeeded, $"roles: {string.Join(", ", immediate)}", cancellationToken);
            List<RoleChange> pending = [];
            foreach (string role in roles.Where(AccessPolicy.IsPrivileged).Distinct())
            {
                pending.Add(await approvals.RequestAsync(user.ToActor(), account, role, cancellationToken));
            }

            return new UserCreation(new UserSummary(account.Id, email, [.. immediate.Order(StringComparer.Ordinal)], null, false, 0), pending);
        }
        catch (RejectedInputException e)
        {
            await audit.RecordAsync(actor, "user.create", subject, AuditOutcome.Failed, e.Message, cancellationToken);
            throw;
        }
    }

    /// <summary>Removes and adds ordinary roles at once; a privileged role to add becomes a request, returned.</summary>
    /// <exception cref="RejectedInputException">An unknown role.</exception>
    /// <exception cref="AccessDeniedException">The caller's own account (audited).</exception>
    /// <exception cref="ConflictException">The change would remove the last administrator role.</exception>
    /// <exception cref="NotFoundException">No such user.</exception>
    public async Task<IReadOnlyList<RoleChange>> SetRolesAsync(ClaimsPrincipal user, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        string actor = (await guard.DemandAsync(user, Permission.AdministerUsers, "user.roles", $"user/{userId}", cancellationToken)).Name;
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        IdentityUser account = await users.FindByIdAsync(userId) ?? throw new NotFoundException($"There is no user {userId}.");
        string subject = $"user/{account.Email}";
        if (account.Id == user.ToActor().Id || string.Equals(account.UserName, actor, StringComparison.OrdinalIgnoreCase))
        {
            await audit.RecordAsync(actor, "user.roles", subject, AuditOutcome.Denied, "own roles", cancellationToken);
            throw new AccessDeniedException(Permission.AdministerUsers, "Nobody changes their own roles: another administrator must.");
        }

        try
        {
            CheckRoles(roles);
            IList<string> current = await users.GetRolesAsync(account);
            if (current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin))
            {
                if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1)
                {
                    throw new ConflictException("This is the last administrator: make another one first.");
                }
            }

            await using IDbContextTransaction transaction = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.BeginTransactionAsync(cancellationToken);
            string[] removed = [.. current.Except(roles)];
            string[] added = [.. roles.Except(current).Where(r => !AccessPolicy.IsPrivileged(r))];
            string[] requested = [.. roles.Except(current).Where(AccessPolicy.IsPrivileged)];
            string[] now = [.. current.Except(removed).Concat(added).Order(StringComparer.Ordinal)];
            if (removed.Length > 0)
            {
                Check(await users.RemoveFromRolesAsync(account, removed));
            }

            if (added.Length > 0)
            {
                Check(await users.AddToRolesAsync(account, added));
            }

            if (removed.Length + added.Length > 0)
            {
                Check(await users.UpdateSecurityStampAsync(account)); // open sessions and tokens end at their next check
            }

            await transaction.CommitAsync(cancellationToken);
            standing.Forget(account.Id);
            await audit.RecordAsync(actor, "user.roles", subject, AuditOutcome.Succeeded,
                $"now {string.Join(", ", now)} (was {string.Join(", ", current.Order(StringComparer.Ordinal))})", cancellationToken);
            List<RoleChange> pending = [];
            foreach (string role in requested)
            {
                pending.Add(await approvals.RequestAsync(user.ToActor(), account, role, cancellationToken));
            }

            return pending;
        }
        catch (Exception e) when (e is RejectedInputException or ConflictException)
        {
            await audit.RecordAsync(actor, "user.roles", subject, AuditOutcome.Denied, e.Message, cancellationToken);
            throw;
        }
    }

    /// <summary>Locks the account indefinitely (and ends its sessions at their next check), or unlocks it and clears failed attempts.</summary>
    /// <exception cref="ConflictException">An administrator tried to lock their own account.</exception>
    /// <exception cref="NotFoundException">No such user.</exception>
    public async Task SetLockedAsync(ClaimsPrincipal user, string userId, bool locked, CancellationToken cancellationToken)
    {
        string action = locked ? "user.lock" : "user.unlock";
        string actor = (await guard.DemandAsync(user, Permission.AdministerUsers, action, $"user/{userId}", cancellationToken)).Name;
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        IdentityUser account = await users.FindByIdAsync(userId) ?? throw new NotFoundException($"There is no user {userId}.");
        string subject = $"user/{account.Email}";
        if (locked && string.Equals(account.UserName, actor, StringComparison.OrdinalIgnoreCase))
        {
            await audit.RecordAsync(actor, action, subject, AuditOutcome.Denied, "own account", cancellationToken);
            throw new ConflictException("You cannot lock your own account.");
        }

        await using IDbContextTransaction transaction = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.BeginTransactionAsync(cancellationToken);
        if (locked)
        {
            Check(await users.SetLockoutEnabledAsync(account, true));
            Check(await users.SetLockoutEndDateAsync(account, DateTimeOffset.MaxValue));
            Check(await users.UpdateSecurityStampAsync(account));
        }
        else
        {
            Check(await users.SetLockoutEndDateAsync(account, null));
            Check(await users.ResetAccessFailedCountAsync(account));
        }

        await transaction.CommitAsync(cancellationToken);
        standing.Forget(account.Id);
        await audit.RecordAsync(actor, action, subject, AuditOutcome.Succeeded, "", cancellationToken);
    }

    /// <summary>Turns two-factor sign-in off and discards the authenticator key and recovery codes (a lost phone); the user enrols again.</summary>
    /// <exception cref="NotFoundException">No such user.</exception>
    public async Task ResetTwoFactorAsync(ClaimsPrincipal user, string userId, CancellationToken cancellationToken)
    {
        string actor = (await guard.DemandAsync(user, Permission.AdministerUsers, "user.two-factor.reset", $"user/{userId}", cancellationToken)).Name;
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        IdentityUser account = await users.FindByIdAsync(userId) ?? throw new NotFoundException($"There is no user {userId}.");
        await using IDbContextTransaction transaction = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.BeginTransactionAsync(cancellationToken);
        Check(await users.SetTwoFactorEnabledAsync(account, false));
        Check(await users.ResetAuthenticatorKeyAsync(account));
        _ = await users.GenerateNewTwoFactorRecoveryCodesAsync(account, 0) ?? throw new ConflictException("The recovery codes could not be cleared."); // none left
        await transaction.CommitAsync(cancellationToken);
        standing.Forget(account.Id);
        await audit.RecordAsync(actor, "user.two-factor.reset", $"user/{account.Email}", AuditOutcome.Succeeded, "", cancellationToken);
    }

    public DateTimeOffset Now => clock.GetUtcNow();


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

    /// <summary>Identity's refusals (a weak password, a taken email) become one readable message.</summary>
    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new RejectedInputException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
