using MedCrypt.Domain.Accounts;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Data;

/// <summary>
/// Role changes in their table; each write and the role it grants or withdraws commit with the audit entry. A
/// break-glass grant is also a critical log line, for whoever watches the logs rather than the portal.
/// </summary>
internal sealed class EfRoleChangeStore(IServiceScopeFactory scopes, AccountStanding standing, ILogger<EfRoleChangeStore> logger) : IRoleChangeStore
{
    public async Task<IReadOnlyList<RoleChange>> OpenAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        List<PendingRoleChangeRecord> open = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().RoleChanges.AsNoTracking()
            .Where(c => c.State == RoleChangeState.Pending || c.State == RoleChangeState.BreakGlass).ToListAsync(cancellationToken);
        return [.. open.Select(c => c.ToChange())];
    }

    public async Task<RoleChange?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PendingRoleChangeRecord? change = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().RoleChanges.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return change?.ToChange();
    }

    public async Task AddAsync(RoleChange change, RoleEffect effect, AuditEvent entry, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await ApplyAsync(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>(), change, effect);
        db.RoleChanges.Add(PendingRoleChangeRecord.From(change));
        await db.SaveWithAuditEntryAsync(entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        standing.Forget(change.TargetUserId);
        if (change.IsBreakGlass)
        {
            logger.LogCritical("BREAK-GLASS: {Actor} granted {Role} to {Target} without a second administrator until {Expires:u}; reason: {Reason}",
                change.RequestedBy, change.Role, change.TargetEmail, change.ExpiresAt.UtcDateTime, change.Reason);
        }
    }

    public async Task DecideAsync(RoleChange open, RoleChange closed, RoleEffect effect, AuditEvent entry, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        PendingRoleChangeRecord change = await db.RoleChanges.SingleAsync(c => c.Id == open.Id, cancellationToken);
        if (change.State != open.State)
        {
            throw new ConflictException($"This change of {open.TargetEmail} to {open.Role} was decided meanwhile by {change.DecidedBy}.");
        }

        await ApplyAsync(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>(), open, effect);
        change.State = closed.State;
        change.DecidedBy = closed.DecidedBy;
        change.DecidedAt = closed.DecidedAt;
        await db.SaveWithAuditEntryAsync(entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        standing.Forget(open.TargetUserId);
    }

    /// <summary>Grants or withdraws the change's role (a no-op where the account already is so) with a new security stamp, so open sessions pick it up at their next check.</summary>
    private static async Task ApplyAsync(UserManager<IdentityUser> users, RoleChange change, RoleEffect effect)
    {
        if (effect == RoleEffect.None)
        {
            return;
        }

        IdentityUser? target = await users.FindByIdAsync(change.TargetUserId);
        if (target is null && effect == RoleEffect.Grant)
        {
            throw new ConflictException($"{change.TargetEmail} was deleted after the change was asked for: nothing to grant.");
        }

        if (target is null)
        {
            return; // nothing to withdraw from an account that is gone
        }

        bool has = await users.IsInRoleAsync(target, change.Role);
        if (effect == RoleEffect.Grant && !has)
        {
            IdentityAccountStore.Ensure(await users.AddToRoleAsync(target, change.Role));
        }
        else if (effect == RoleEffect.Withdraw && has)
        {
            IdentityAccountStore.Ensure(await users.RemoveFromRoleAsync(target, change.Role));
        }

        IdentityAccountStore.Ensure(await users.UpdateSecurityStampAsync(target));
    }
}
