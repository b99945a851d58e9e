using System.Collections.Frozen;

namespace MedCrypt.Domain.Access;

/// <summary>
/// Which role grants which permission: the one table of the whole product. Pages, API groups and use cases all ask
/// it (through the portal's named policies and <see cref="AccessGuard"/>); no other code names a role to decide access.
/// </summary>
public static class AccessPolicy
{
    private static readonly FrozenDictionary<string, FrozenSet<Permission>> Grants = new Dictionary<string, FrozenSet<Permission>>
    {
        // Staff run the screening and see only protected pixels.
        [Roles.Staff] = new[] { Permission.Analyse, Permission.ViewProtected, Permission.ReadHistory }.ToFrozenSet(),
        // Doctors, and only doctors, decrypt originals, and send them to another hospital.
        [Roles.Doctor] = new[] { Permission.Analyse, Permission.ViewProtected, Permission.ViewOriginal, Permission.SendStudies, Permission.ReadHistory }.ToFrozenSet(),
        // Auditors read what happened and never an image.
        [Roles.Auditor] = new[] { Permission.ReadHistory, Permission.ReadAudit }.ToFrozenSet(),
        // Administrators run the installation; they see protected images but not originals.
        [Roles.Admin] = new[]
        {
            Permission.Analyse, Permission.ViewProtected, Permission.ReadHistory, Permission.ReadAudit,
            Permission.AdministerKeys, Permission.AdministerUsers, Permission.OperateSystem,
        }.ToFrozenSet(),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool Allows(IEnumerable<string> roles, Permission permission)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return roles.Any(r => Grants.TryGetValue(r, out FrozenSet<Permission>? granted) && granted.Contains(permission));
    }

    /// <summary>The roles that grant <paramref name="permission"/>, for the portal's authorization policies.</summary>
    public static IReadOnlyList<string> RolesWith(Permission permission) =>
        [.. Roles.All.Where(r => Grants[r].Contains(permission))];

    /// <summary>Roles that lift an account to seeing originals or running the installation: they need two-factor sign-in and a second administrator's approval.</summary>
    public static bool IsPrivileged(string role) => role is Roles.Doctor or Roles.Admin;

    /// <summary>An account holding a privileged role may do nothing on a password alone (only enrol an authenticator).</summary>
    public static bool RequiresSecondFactor(IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return roles.Any(IsPrivileged);
    }

    /// <summary>
    /// Permissions checked against the account as it is at the moment of use, not as it was at sign-in: decrypting an
    /// original, or sending one away, must not outlive a revoked role by a token's or a circuit's lifetime.
    /// </summary>
    public static bool IsCheckedAtUse(Permission permission) => permission is Permission.ViewOriginal or Permission.SendStudies;
}
