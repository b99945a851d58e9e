using MedCrypt.Domain.Access;
using System.Security.Claims;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Administration;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Users;

/// <summary>
/// Accounts for administrators: list, create with an initial password that meets the policy, change roles, lock and
/// unlock. Each change is one transaction (a user is never left half-made) and audited; an administrator cannot lock
/// themselves out, nor remove the last administrator.
/// </summary>
/// <remarks>Identity's services are scoped: each call takes a scope of its own, as a Blazor circuit lives long.</remarks>
public sealed class UserAdministration(IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock)
{
    /// <exception cref="UnauthorizedAccessException">The user is not an administrator.</exception>
    public async Task<IReadOnlyList<UserSummary>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        string actor = await audit.DemandAdminAsync(user, "users.list", "users", "accounts", cancellationToken);
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

    /// <exception cref="ArgumentException">A bad email, an unknown role, or a password the policy refuses (the message says why).</exception>
    public async Task<UserSummary> CreateAsync(ClaimsPrincipal user, string email, string password, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        email = email.Trim();
        string subject = $"user/{email}";
        string actor = await audit.DemandAdminAsync(user, "user.create", subject, "accounts", cancellationToken);
        try
        {
            CheckRoles(roles);
            await using AsyncServiceScope scope = scopes.CreateAsyncScope();
            UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await using IDbContextTransaction transaction = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.BeginTransactionAsync(cancellationToken);
            var account = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            Check(await users.CreateAsync(account, password));
            Check(await users.AddToRolesAsync(account, roles));
            await transaction.CommitAsync(cancellationToken);
            await audit.RecordAsync(actor, "user.create", subject, AuditOutcome.Succeeded, $"roles: {string.Join(", ", roles)}", cancellationToken);
            return new UserSummary(account.Id, email, [.. roles.Order(StringComparer.Ordinal)], null, false, 0);
        }
        catch (ArgumentException e)
        {
            await audit.RecordAsync(actor, "user.create", subject, AuditOutcome.Failed, e.Message, cancellationToken);
            throw;
        }
    }

    /// <exception cref="ArgumentException">An unknown role.</exception>
    /// <exception cref="InvalidOperationException">The change would remove the caller's own or the last administrator role.</exception>
    /// <exception cref="KeyNotFoundException">No such user.</exception>
    public async Task SetRolesAsync(ClaimsPrincipal user, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        string actor = await audit.DemandAdminAsync(user, "user.roles", $"user/{userId}", "accounts", cancellationToken);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        IdentityUser account = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException($"There is no user {userId}.");
        string subject = $"user/{account.Email}";
        try
        {
            CheckRoles(roles);
            IList<string> current = await users.GetRolesAsync(account);
            if (current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin))
            {
                if (string.Equals(account.UserName, actor, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException("You cannot remove your own administrator role: another administrator must.");
                }

                if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1)
                {
                    throw new InvalidOperationException("This is the last administrator: make another one first.");
                }
            }

            await using IDbContextTransaction transaction = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.BeginTransactionAsync(cancellationToken);
            string[] removed = [.. current.Except(roles)];
            string[] added = [.. roles.Except(current)];
            if (removed.Length > 0)
            {
                Check(await users.RemoveFromRolesAsync(account, removed));
            }

            if (added.Length > 0)
            {
                Check(await users.AddToRolesAsync(account, added));
            }

            Check(await users.UpdateSecurityStampAsync(account)); // open sessions pick up the new roles at their next check
            await transaction.CommitAsync(cancellationToken);
            await audit.RecordAsync(actor, "user.roles", subject, AuditOutcome.Succeeded,
                $"now {string.Join(", ", roles.Order(StringComparer.Ordinal))} (was {string.Join(", ", current.Order(StringComparer.Ordinal))})", cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            await audit.RecordAsync(actor, "user.roles", subject, AuditOutcome.Denied, e.Message, cancellationToken);
            throw;
        }
    }

    /// <summary>Locks the account indefinitely (and ends its sessions at their next check), or unlocks it and clears failed attempts.</summary>
    /// <exception cref="InvalidOperationException">An administrator tried to lock their own account.</exception>
    /// <exception cref="KeyNotFoundException">No such user.</exception>
    public async Task SetLockedAsync(ClaimsPrincipal user, string userId, bool locked, CancellationToken cancellationToken)
    {
        string action = locked ? "user.lock" : "user.unlock";
        string actor = await audit.DemandAdminAsync(user, action, $"user/{userId}", "accounts", cancellationToken);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        IdentityUser account = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException($"There is no user {userId}.");
        string subject = $"user/{account.Email}";
        if (locked && string.Equals(account.UserName, actor, StringComparison.OrdinalIgnoreCase))
        {
            await audit.RecordAsync(actor, action, subject, AuditOutcome.Denied, "own account", cancellationToken);
            throw new InvalidOperationException("You cannot lock your own account.");
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
        await audit.RecordAsync(actor, action, subject, AuditOutcome.Succeeded, "", cancellationToken);
    }

    /// <summary>Turns two-factor sign-in off and discards the authenticator key and recovery codes (a lost phone); the user enrols again.</summary>
    /// <exception cref="KeyNotFoundException">No such user.</exception>
    public async Task ResetTwoFactorAsync(ClaimsPrincipal user, string userId, CancellationToken cancellationToken)
    {
        string actor = await audit.DemandAdminAsync(user, "user.two-factor.reset", $"user/{userId}", "accounts", cancellationToken);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        IdentityUser account = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException($"There is no user {userId}.");
        await using IDbContextTransaction transaction = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.BeginTransactionAsync(cancellationToken);
        Check(await users.SetTwoFactorEnabledAsync(account, false));
        Check(await users.ResetAuthenticatorKeyAsync(account));
        _ = await users.GenerateNewTwoFactorRecoveryCodesAsync(account, 0) ?? throw new InvalidOperationException("The recovery codes could not be cleared."); // none left
        await transaction.CommitAsync(cancellationToken);
        await audit.RecordAsync(actor, "user.two-factor.reset", $"user/{account.Email}", AuditOutcome.Succeeded, "", cancellationToken);
    }

    public DateTimeOffset Now => clock.GetUtcNow();

    private static void CheckRoles(IReadOnlyCollection<string> roles)
    {
        if (roles.Count == 0)
        {
            throw new ArgumentException("Give the account at least one role.");
        }

        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
        {
            throw new ArgumentException($"Unknown role '{unknown}'. Roles: {string.Join(", ", Roles.All)}.");
        }
    }

    /// <summary>Identity's refusals (a weak password, a taken email) become one readable message.</summary>
    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new ArgumentException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
