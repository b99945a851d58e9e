using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Access;

/// <summary>
/// The one place a use case asks for a permission: an actor without it is refused with <see cref="AccessDeniedException"/>
/// and the refusal is an audit entry, whatever the page or endpoint it came through.
/// </summary>
public sealed class AccessGuard(AuditLog audit)
{
    /// <param name="action">The audit action of the attempt (e.g. <c>original.view</c>).</param>
    /// <param name="subject">What it was aimed at (e.g. <c>study/…</c>).</param>
    /// <param name="context">Extra words for the audit entry (a filter), or empty.</param>
    /// <exception cref="AccessDeniedException">The actor lacks the permission.</exception>
    public async Task DemandAsync(Actor actor, Permission permission, string action, string subject, string context = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.May(permission))
        {
            return;
        }

        string because = $"lacks {permission}";
        await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Denied, context.Length == 0 ? because : $"{context}; {because}", cancellationToken).ConfigureAwait(false);
        throw new AccessDeniedException(permission, Describe(permission));
    }

    /// <summary>The refusal in words a person understands, naming the roles that would do.</summary>
    public static string Describe(Permission permission) =>
        $"This needs the {permission} permission, which the {string.Join(" or ", AccessPolicy.RolesWith(permission))} role grants.";
}
