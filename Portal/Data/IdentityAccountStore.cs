using MedCrypt.Domain.Accounts;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Data;

/// <summary>
/// The accounts in ASP.NET Core Identity's tables. Each change is one transaction with its audit entry; a change to
/// roles or a lock takes a new security stamp (open sessions and tokens end at their next check) and drops this
/// instance's cached standing.
/// </summary>
/// <remarks>Identity's services are scoped: each call takes a scope of its own, as the use cases are singletons.</remarks>
internal sealed class IdentityAccountStore(IServiceScopeFactory scopes, AccountStanding standing) : IAccountStore
{
    public async Task<IReadOnlyList<AccountSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        ILookup<string, string> roles = await RolesAsync(db, null, cancellationToken);
        List<IdentityUser> users = await db.Users.AsNoTracking().ToListAsync(cancellationToken);
        return [.. users.Select(u => Summary(u, roles[u.Id]))];
    }

    public async Task<AccountSummary?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        IdentityUser? user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        return user is null ? null : Summary(user, (await RolesAsync(db, id, cancellationToken))[id]);
    }

    public async Task<int> CountInRoleAsync(string role, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().GetUsersInRoleAsync(role)).Count;
    }

    public async Task<AccountSummary> CreateAsync(string email, string password, IReadOnlyCollection<string> roles, AuditEvent entry, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var account = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        IdentityResult created = await users.CreateAsync(account, password);
        if (!created.Succeeded)
        {
            throw new RejectedInputException(created.Describe()); // a weak password or a taken email: the administrator's input
        }

        Ensure(await users.AddToRolesAsync(account, roles));
        await CommitAsync(db, transaction, entry, cancellationToken);
        return Summary(account, roles);
    }

    public Task ChangeRolesAsync(string id, IReadOnlyCollection<string> remove, IReadOnlyCollection<string> add, AuditEvent entry, CancellationToken cancellationToken) =>
        ChangeAsync(id, entry, async (users, account) =>
        {
            if (remove.Count + add.Count == 0)
            {
                return; // nothing changes: the entry alone says so
            }

            if (remove.Count > 0)
            {
                Ensure(await users.RemoveFromRolesAsync(account, remove));
            }

            if (add.Count > 0)
            {
                Ensure(await users.AddToRolesAsync(account, add));
            }

            Ensure(await users.UpdateSecurityStampAsync(account));
        }, cancellationToken);

    public Task SetLockedAsync(string id, bool locked, AuditEvent entry, CancellationToken cancellationToken) =>
        ChangeAsync(id, entry, async (users, account) =>
        {
            if (locked)
            {
                Ensure(await users.SetLockoutEnabledAsync(account, true));
                Ensure(await users.SetLockoutEndDateAsync(account, DateTimeOffset.MaxValue));
                Ensure(await users.UpdateSecurityStampAsync(account));
            }
            else
            {
                Ensure(await users.SetLockoutEndDateAsync(account, null));
                Ensure(await users.ResetAccessFailedCountAsync(account));
            }
        }, cancellationToken);

    public Task ResetTwoFactorAsync(string id, AuditEvent entry, CancellationToken cancellationToken) =>
        ChangeAsync(id, entry, async (users, account) => Ensure(await AuthenticatorKeys.TurnOffAsync(users, account)), cancellationToken);

    /// <summary>An Identity operation inside a change that must succeed: a refusal means the account changed meanwhile (409).</summary>
    internal static void Ensure(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new ConflictException(result.Describe());
        }
    }

    private async Task ChangeAsync(string id, AuditEvent entry, Func<UserManager<IdentityUser>, IdentityUser, Task> change, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        IdentityUser account = await users.FindByIdAsync(id) ?? throw new NotFoundException($"There is no user {id}.");
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await change(users, account);
        await CommitAsync(db, transaction, entry, cancellationToken);
        standing.Forget(account.Id);
    }

    private static async Task CommitAsync(PortalDbContext db, IDbContextTransaction transaction, AuditEvent entry, CancellationToken cancellationToken)
    {
        await db.SaveWithAuditEntryAsync(entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<ILookup<string, string>> RolesAsync(PortalDbContext db, string? userId, CancellationToken cancellationToken)
    {
        var memberships = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where userId == null || ur.UserId == userId select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        return memberships.ToLookup(m => m.UserId, m => m.Name ?? "");
    }

    private static AccountSummary Summary(IdentityUser user, IEnumerable<string> roles) =>
        new(user.Id, user.Email ?? user.UserName ?? "", [.. roles.Order(StringComparer.Ordinal)], user.LockoutEnd, user.TwoFactorEnabled, user.AccessFailedCount);
}
