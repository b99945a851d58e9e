using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Access;

/// <summary>
/// The one place a use case asks for a permission: an actor without it is refused with <see cref="AccessDeniedException"/>
/// and the refusal is an audit entry, whatever the page or endpoint it came through. A privileged role signed in without
/// a second factor holds no permission; the permissions checked at use are asked of the account as it is now.
/// </summary>
public sealed class AccessGuard(AuditLog audit, IAccountStanding standing)
{
    /// <param name="action">The audit action of the attempt (e.g. <c>original.view</c>).</param>
    /// <param name="subject">What it was aimed at (e.g. <c>study/…</c>).</param>
    /// <param name="context">Extra words for the audit entry (a filter), or empty.</param>
    /// <exception cref="AccessDeniedException">The actor lacks the permission.</exception>
    public async Task DemandAsync(Actor actor, Permission permission, string action, string subject, string context = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (await RefusalAsync(actor, permission, cancellationToken).ConfigureAwait(false) is not { } refusal)
        {
            return;
        }

        await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Denied, context.Length == 0 ? refusal.Because : $"{context}; {refusal.Because}", cancellationToken).ConfigureAwait(false);
        throw new AccessDeniedException(permission, refusal.Message);
    }

    /// <summary>The same decision without an audit entry or an exception, for a use case that records the attempt itself.</summary>
    public async Task<bool> AllowsAsync(Actor actor, Permission permission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await RefusalAsync(actor, permission, cancellationToken).ConfigureAwait(false) is null;
    }

    /// <summary>The refusal in words a person understands, naming the roles that would do.</summary>
    public static string Describe(Permission permission) =>
        $"This needs the {permission} permission, which the {string.Join(" or ", AccessPolicy.RolesWith(permission))} role grants.";

    /// <summary>What a privileged account signed in on a password alone is told, page and API alike.</summary>
    public const string SecondFactorMissing =
        "Doctors and administrators must sign in with two-factor authentication: enrol an authenticator app on /account/two-factor, then sign in again with its code.";

    private async Task<(string Because, string Message)?> RefusalAsync(Actor actor, Permission permission, CancellationToken cancellationToken)
    {
        if (actor.NeedsSecondFactor)
        {
            return ("two-factor sign-in required", SecondFactorMissing);
        }

        if (!actor.May(permission))
        {
            return ($"lacks {permission}", Describe(permission));
        }

        if (AccessPolicy.IsCheckedAtUse(permission) && !actor.IsSystem
            && (await standing.CurrentRolesAsync(actor.Id, cancellationToken).ConfigureAwait(false) is not { } roles || !AccessPolicy.Allows(roles, permission)))
        {
            return ($"no longer holds {permission} (role removed or account locked since sign-in)",
                $"Your account no longer has the {permission} permission: it was changed since you signed in. Sign in again.");
        }

        return null;
    }
}
