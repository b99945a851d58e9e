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
/// Separation of duties for privileged roles (<see cref="AccessPolicy.IsPrivileged"/>): one administrator asks, a
/// second (neither the requester nor the account) confirms, and only then is the role granted. Break-glass grants
/// Doctor at once for <see cref="BreakGlassLifetime"/>, audited loudly, until a second administrator confirms it
/// (kept) or rejects it (withdrawn); unreviewed, it is withdrawn automatically.
/// </summary>
public sealed class RoleApprovals(IServiceScopeFactory scopes, AuditLog audit, AccessGuard guard, TimeProvider clock, AccountStanding standing, ILogger<RoleApprovals> logger)
{
    public static readonly TimeSpan RequestLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan BreakGlassLifetime = TimeSpan.FromHours(8);
    public const string BreakGlassAction = "role.break-glass";
    private const int MinimumReasonLength = 10;

    /// <summary>The open requests and break-glass grants, oldest first; expired ones are closed first.</summary>
    public async Task<IReadOnlyList<RoleChange>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(user.ToActor(), Permission.AdministerUsers, "role.changes.list", "role-changes", cancellationToken: cancellationToken);
        await SweepAsync(cancellationToken);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        List<PendingRoleChangeRecord> open = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().RoleChanges.AsNoTracking()
            .Where(c => c.State == RoleChangeState.Pending || c.State == RoleChangeState.BreakGlass).ToListAsync(cancellationToken);
        return [.. open.OrderBy(c => c.RequestedAt).Select(RoleChange.From)];
    }

    /// <summary>How many administrators there are: with one, nobody can confirm, and break-glass is the only way.</summary>
    public async Task<int> AdministratorCountAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().GetUsersInRoleAsync(Roles.Admin)).Count;
    }

    /// <summary>Asks for <paramref name="role"/> on the account (the caller has checked the permission and that it is not their own); an open identical request is returned as it is.</summary>
    internal async Task<RoleChange> RequestAsync(Actor actor, IdentityUser account, string role, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        PendingRoleChangeRecord? existing = await db.RoleChanges.AsNoTracking().FirstOrDefaultAsync(
            c => c.TargetUserId == account.Id && c.Role == role && c.State == RoleChangeState.Pending, cancellationToken);
        if (existing is not null && existing.ExpiresAt > clock.GetUtcNow())
        {
            return RoleChange.From(existing);
        }

        DateTimeOffset now = clock.GetUtcNow();
        var change = new PendingRoleChangeRecord
        {
            Id = Guid.NewGuid(),
            TargetUserId = account.Id,
            TargetEmail = account.Email ?? account.UserName ?? "",
            Role = role,
            RequestedBy = actor.Name,
            RequestedAt = now,
            ExpiresAt = now + RequestLifetime,
            State = RoleChangeState.Pending,
        };
        await audit.RecordAsync(actor.Name, "role.request", $"user/{change.TargetEmail}", AuditOutcome.Succeeded,
            $"{role} awaits a second administrator until {change.ExpiresAt.UtcDateTime:u} (request {change.Id:D})",
            async (entry, ct) =>
            {
                await using AsyncServiceScope attempt = scopes.CreateAsyncScope();
                PortalDbContext db = attempt.ServiceProvider.GetRequiredService<PortalDbContext>();
                await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(ct);
                db.RoleChanges.Add(change);
                db.AuditRecords.Add(AuditRecord.From(entry));
                await db.SaveWithAuditEntryAsync(entry, ct);
                await transaction.CommitAsync(ct);
            },
            cancellationToken);
        return RoleChange.From(change);
    }

    /// <summary>A second administrator confirms: a request's role is granted, a break-glass grant is kept for good.</summary>
    /// <exception cref="AccessDeniedException">Not an administrator, or the requester or the account itself.</exception>
    /// <exception cref="NotFoundException">No such change.</exception>
    /// <exception cref="ConflictException">Already decided, expired, or the account is gone.</exception>
    public async Task ConfirmAsync(ClaimsPrincipal user, Guid changeId, CancellationToken cancellationToken)
    {
        Actor actor = user.ToActor();
        await guard.DemandAsync(actor, Permission.AdministerUsers, "role.confirm", $"role-change/{changeId:D}", cancellationToken: cancellationToken);
        await SweepAsync(cancellationToken);
        PendingRoleChangeRecord change = await OpenAsync(actor, "role.confirm", changeId, cancellationToken);
        string subject = $"user/{change.TargetEmail}";
        string? refusal = SameName(change.RequestedBy, actor.Name) ? "You asked for this change: another administrator must confirm it."
            : change.TargetUserId == actor.Id || SameName(change.TargetEmail, actor.Name) ? "Nobody confirms a role for themselves: another administrator must."
            : null;
        if (refusal is not null)
        {
            await audit.RecordAsync(actor.Name, "role.confirm", subject, AuditOutcome.Denied, $"{change.Role}: {refusal}", cancellationToken);
            throw new AccessDeniedException(Permission.AdministerUsers, refusal);
        }

        await DecideAsync(actor, change, RoleChangeState.Confirmed, "role.confirm",
            change.State == RoleChangeState.BreakGlass ? $"break-glass {change.Role} kept (requested by {change.RequestedBy})" : $"{change.Role} granted (requested by {change.RequestedBy})",
            cancellationToken);
    }

    /// <summary>Any administrator rejects (the requester withdraws): a request is dropped, a break-glass grant withdrawn now.</summary>
    /// <exception cref="AccessDeniedException">Not an administrator.</exception>
    /// <exception cref="NotFoundException">No such change.</exception>
    /// <exception cref="ConflictException">Already decided or expired.</exception>
    public async Task RejectAsync(ClaimsPrincipal user, Guid changeId, CancellationToken cancellationToken)
    {
        Actor actor = user.ToActor();
        await guard.DemandAsync(actor, Permission.AdministerUsers, "role.reject", $"role-change/{changeId:D}", cancellationToken: cancellationToken);
        await SweepAsync(cancellationToken);
        PendingRoleChangeRecord change = await OpenAsync(actor, "role.reject", changeId, cancellationToken);
        await DecideAsync(actor, change, RoleChangeState.Rejected, "role.reject",
            change.State == RoleChangeState.BreakGlass ? $"break-glass {change.Role} withdrawn" : $"{change.Role} not granted (requested by {change.RequestedBy})",
            cancellationToken);
    }

    /// <summary>
    /// An emergency: Doctor for someone else at once, for <see cref="BreakGlassLifetime"/>, with a reason; a distinct
    /// audit action, a critical log line and a banner to every administrator until a second one decides.
    /// </summary>
    /// <exception cref="AccessDeniedException">Not an administrator, the caller's own account, or one the caller made.</exception>
    /// <exception cref="RejectedInputException">No real reason.</exception>
    /// <exception cref="NotFoundException">No such user.</exception>
    /// <exception cref="ConflictException">The account is a doctor already, or has no authenticator (the role would give it nothing).</exception>
    public async Task<RoleChange> BreakGlassAsync(ClaimsPrincipal user, string userId, string reason, CancellationToken cancellationToken)
    {
        Actor actor = user.ToActor();
        await guard.DemandAsync(actor, Permission.AdministerUsers, BreakGlassAction, $"user/{userId}", cancellationToken: cancellationToken);
        reason = reason.Trim();
        IdentityUser account;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            account = await users.FindByIdAsync(userId) ?? throw new NotFoundException($"There is no user {userId}.");
            // Whoever made the account set its first password and could sign in as it and enrol: to them it is not someone else.
            string subject = $"user/{account.Email}";
            bool madeIt = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.AnyAsync(
                r => r.Action == "user.create" && r.Subject == subject && r.Outcome == AuditOutcome.Succeeded && r.Actor == actor.Name, cancellationToken);
            string? refusal = account.Id == actor.Id || SameName(account.UserName, actor.Name) || madeIt
                ? madeIt ? "You made this account and set its first password: break-glass is for an account someone else made." : "Break-glass is for someone else: nobody grants themselves a role."
                : reason.Length < MinimumReasonLength ? $"Say why it cannot wait for a second administrator (at least {MinimumReasonLength} characters)."
                : await users.IsInRoleAsync(account, Roles.Doctor) ? $"{account.Email} is a doctor already."
                : !await users.GetTwoFactorEnabledAsync(account)
                    ? $"{account.Email} has not enrolled an authenticator: a doctor may do nothing on a password alone, so break-glass would give them nothing. They enrol first (/account)."
                : null;
            if (refusal is not null)
            {
                await audit.RecordAsync(actor.Name, BreakGlassAction, $"user/{account.Email}", AuditOutcome.Denied, refusal, cancellationToken);
                throw account.Id == actor.Id || SameName(account.UserName, actor.Name) || madeIt ? new AccessDeniedException(Permission.AdministerUsers, refusal)
                    : reason.Length < MinimumReasonLength ? new RejectedInputException(refusal)
                    : new ConflictException(refusal);
            }
        }

        DateTimeOffset now = clock.GetUtcNow();
        var change = new PendingRoleChangeRecord
        {
            Id = Guid.NewGuid(),
            TargetUserId = account.Id,
            TargetEmail = account.Email ?? account.UserName ?? "",
            Role = Roles.Doctor,
            RequestedBy = actor.Name,
            RequestedAt = now,
            ExpiresAt = now + BreakGlassLifetime,
            State = RoleChangeState.BreakGlass,
            Reason = reason,
        };
        await audit.RecordAsync(actor.Name, BreakGlassAction, $"user/{change.TargetEmail}", AuditOutcome.Succeeded,
            $"BREAK-GLASS: {Roles.Doctor} granted without a second administrator until {change.ExpiresAt.UtcDateTime:u} (change {change.Id:D}); reason: {reason}",
            async (entry, ct) =>
            {
                await using AsyncServiceScope attempt = scopes.CreateAsyncScope();
                PortalDbContext db = attempt.ServiceProvider.GetRequiredService<PortalDbContext>();
                UserManager<IdentityUser> users = attempt.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
                await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(ct);
                IdentityUser target = await users.FindByIdAsync(change.TargetUserId) ?? throw new ConflictException($"{change.TargetEmail} was deleted meanwhile.");
                Check(await users.AddToRoleAsync(target, change.Role));
                Check(await users.UpdateSecurityStampAsync(target));
                db.RoleChanges.Add(change);
                db.AuditRecords.Add(AuditRecord.From(entry));
                await db.SaveWithAuditEntryAsync(entry, ct);
                await transaction.CommitAsync(ct);
            },
            cancellationToken);
        standing.Forget(change.TargetUserId);
        logger.LogCritical("BREAK-GLASS: {Actor} granted {Role} to {Target} without a second administrator until {Expires:u}; reason: {Reason}",
            actor.Name, change.Role, change.TargetEmail, change.ExpiresAt.UtcDateTime, reason);
        return RoleChange.From(change);
    }

    /// <summary>Closes what has run out: requests expire unconfirmed, break-glass grants are withdrawn. Runs on a timer and before each decision.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        List<PendingRoleChangeRecord> open;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            open = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().RoleChanges.AsNoTracking()
                .Where(c => c.State == RoleChangeState.Pending || c.State == RoleChangeState.BreakGlass).ToListAsync(cancellationToken);
        }

        // Compared here, not in SQL: SQLite cannot order or compare DateTimeOffset columns.
        PendingRoleChangeRecord[] expired = [.. open.Where(c => c.ExpiresAt <= now)];
        Actor system = Actor.System("role expiry");
        foreach (PendingRoleChangeRecord change in expired)
        {
            bool withdraw = change.State == RoleChangeState.BreakGlass;
            await DecideAsync(system, change, RoleChangeState.Expired, withdraw ? "role.break-glass.expired" : "role.request.expired",
                withdraw ? $"break-glass {change.Role} withdrawn: no second administrator confirmed it" : $"{change.Role} not granted: nobody confirmed it (requested by {change.RequestedBy})",
                cancellationToken);
        }

        return expired.Length;
    }

    private async Task<PendingRoleChangeRecord> OpenAsync(Actor actor, string action, Guid changeId, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PendingRoleChangeRecord change = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().RoleChanges.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == changeId, cancellationToken) ?? throw new NotFoundException($"There is no role change {changeId:D}.");
        if (change.State is RoleChangeState.Pending or RoleChangeState.BreakGlass)
        {
            return change;
        }

        string why = change.State == RoleChangeState.Expired ? "It expired: ask again." : $"It was {change.State.ToString().ToLowerInvariant()} already by {change.DecidedBy}.";
        await audit.RecordAsync(actor.Name, action, $"user/{change.TargetEmail}", AuditOutcome.Denied, $"{change.Role}: {why}", cancellationToken);
        throw new ConflictException($"This change of {change.TargetEmail} to {change.Role} is closed. {why}");
    }

    /// <summary>Closes a change and applies it (grant on confirming a request, withdrawal on ending a break-glass grant) with its audit entry, in one transaction.</summary>
    private async Task DecideAsync(Actor actor, PendingRoleChangeRecord open, RoleChangeState outcome, string action, string detail, CancellationToken cancellationToken)
    {
        bool grant = outcome == RoleChangeState.Confirmed && open.State == RoleChangeState.Pending;
        bool withdraw = outcome != RoleChangeState.Confirmed && open.State == RoleChangeState.BreakGlass;
        string subject = $"user/{open.TargetEmail}";
        try
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Succeeded, $"{detail} (change {open.Id:D})",
                async (entry, ct) =>
                {
                    await using AsyncServiceScope attempt = scopes.CreateAsyncScope();
                    PortalDbContext db = attempt.ServiceProvider.GetRequiredService<PortalDbContext>();
                    UserManager<IdentityUser> users = attempt.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
                    await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(ct);
                    PendingRoleChangeRecord change = await db.RoleChanges.SingleAsync(c => c.Id == open.Id, ct);
                    if (change.State != open.State)
                    {
                        throw new ConflictException($"This change of {open.TargetEmail} to {open.Role} was decided meanwhile by {change.DecidedBy}.");
                    }

                    IdentityUser? target = await users.FindByIdAsync(open.TargetUserId);
                    if (target is null && grant)
                    {
                        throw new ConflictException($"{open.TargetEmail} was deleted after the change was asked for: nothing to grant.");
                    }

                    if (target is not null && (grant || withdraw))
                    {
                        bool has = await users.IsInRoleAsync(target, open.Role);
                        if (grant && !has)
                        {
                            Check(await users.AddToRoleAsync(target, open.Role));
                        }
                        else if (withdraw && has)
                        {
                            Check(await users.RemoveFromRoleAsync(target, open.Role));
                        }

                        Check(await users.UpdateSecurityStampAsync(target)); // open sessions pick up the change at their next check
                    }

                    change.State = outcome;
                    change.DecidedBy = actor.Name;
                    change.DecidedAt = clock.GetUtcNow();
                    db.AuditRecords.Add(AuditRecord.From(entry));
                    await db.SaveWithAuditEntryAsync(entry, ct);
                    await transaction.CommitAsync(ct);
                },
                cancellationToken);
            standing.Forget(open.TargetUserId);
        }
        catch (ConflictException e)
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Failed, e.Message, cancellationToken);
            throw;
        }
    }

    private static bool SameName(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new ConflictException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
