using MedCrypt.Domain.Access;
using Microsoft.AspNetCore.Authorization;

namespace MedCrypt.Portal.Authorization;

/// <summary>
/// The named authorization policies, one per <see cref="Permission"/>, built from <see cref="AccessPolicy"/>'s table:
/// pages (<c>[Authorize(Policy = Policies.ViewOriginal)]</c>, <c>AuthorizeView Policy=…</c>) and API groups use these
/// names and never a role.
/// </summary>
public static class Policies
{
    public const string Analyse = nameof(Permission.Analyse);
    public const string ViewProtected = nameof(Permission.ViewProtected);
    public const string ViewOriginal = nameof(Permission.ViewOriginal);
    public const string ReadHistory = nameof(Permission.ReadHistory);
    public const string ReadAudit = nameof(Permission.ReadAudit);
    public const string AdministerKeys = nameof(Permission.AdministerKeys);
    public const string AdministerUsers = nameof(Permission.AdministerUsers);
    public const string OperateSystem = nameof(Permission.OperateSystem);

    /// <summary>Any of the administrators' pages (keys, users, system).</summary>
    public const string Administer = "Administer";

    public static void AddPermissionPolicies(this IServiceCollection services)
    {
        AuthorizationBuilder authorization = services.AddAuthorizationBuilder();
        foreach (Permission permission in Enum.GetValues<Permission>())
        {
            authorization.AddPolicy(permission.ToString(), p => p.RequireAuthenticatedUser().RequireRole(AccessPolicy.RolesWith(permission)));
        }

        authorization.AddPolicy(Administer, p => p.RequireAuthenticatedUser().RequireRole(
            [.. new[] { Permission.AdministerKeys, Permission.AdministerUsers, Permission.OperateSystem }.SelectMany(AccessPolicy.RolesWith).Distinct()]));
    }
}
