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

    public async Task AddAsync(RoleChange change, AuditEvent entry, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (change.IsBreakGlass)
        {
            UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            IdentityUser target = await users.FindByIdAsync(change.TargetUserId) ?? throw new ConflictException($"{change.TargetEmail} was deleted meanwhile.");
            IdentityAccountStore.Ensure(await users.AddToRoleAsync(target, change.Role));
            IdentityAccountStore.Ensure(await users.UpdateSecurityStampAsync(target));
        }

        db.RoleChanges.Add(PendingRoleChangeRecord.From(change));
        db.AuditRecords.Add(AuditRecord.From(entry));
        await db.SaveWithAuditEntryAsync(entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (change.IsBreakGlass)
        {
            standing.Forget(change.TargetUserId);
            logger.LogCritical("BREAK-GLASS: {Actor} granted {Role} to {Target} without a second administrator until {Expires:u}; reason: {Reason}",
                change.RequestedBy, change.Role, change.TargetEmail, change.ExpiresAt.UtcDateTime, change.Reason);
        }
    }

    public async Task DecideAsync(RoleChange open, RoleChange closed, RoleEffect effect, AuditEvent entry, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        PendingRoleChangeRecord change = await db.RoleChanges.SingleAsync(c => c.Id == open.Id, cancellationToken);
        if (change.State != open.State)
        {
            throw new ConflictException($"This change of {open.TargetEmail} to {open.Role} was decided meanwhile by {change.DecidedBy}.");
        }

        IdentityUser? target = await users.FindByIdAsync(open.TargetUserId);
        if (target is null && effect == RoleEffect.Grant)
        {
            throw new ConflictException($"{open.TargetEmail} was deleted after the change was asked for: nothing to grant.");
        }

        if (target is not null && effect != RoleEffect.None)
        {
            bool has = await users.IsInRoleAsync(target, open.Role);
            if (effect == RoleEffect.Grant && !has)
            {
                IdentityAccountStore.Ensure(await users.AddToRoleAsync(target, open.Role));
            }
            else if (effect == RoleEffect.Withdraw && has)
            {
                IdentityAccountStore.Ensure(await users.RemoveFromRoleAsync(target, open.Role));
            }

            IdentityAccountStore.Ensure(await users.UpdateSecurityStampAsync(target)); // open sessions pick up the change at their next check
        }

        change.State = closed.State;
        change.DecidedBy = closed.DecidedBy;
        change.DecidedAt = closed.DecidedAt;
        db.AuditRecords.Add(AuditRecord.From(entry));
        await db.SaveWithAuditEntryAsync(entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        standing.Forget(open.TargetUserId);
    }
}
