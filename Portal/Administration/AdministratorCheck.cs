using MedCrypt.Domain.Access;
using System.Security.Claims;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Data;

namespace MedCrypt.Portal.Administration;

/// <summary>The gate of every administrative use case: Admins pass; anyone else is audited as denied and refused.</summary>
internal static class AdministratorCheck
{
    /// <returns>The administrator's name, the actor of the audit entries that follow.</returns>
    /// <exception cref="UnauthorizedAccessException">The user is not an administrator.</exception>
    public static async Task<string> DemandAdminAsync(this AuditLog audit, ClaimsPrincipal user, string action, string subject, string what, CancellationToken cancellationToken)
    {
        string actor = user.Identity?.Name ?? "anonymous";
        if (!user.IsInRole(Roles.Admin))
        {
            await audit.RecordAsync(actor, action, subject, AuditOutcome.Denied, $"only administrators manage {what}", cancellationToken);
            throw new UnauthorizedAccessException($"Only administrators manage {what}.");
        }

        return actor;
    }
}
