using MedCrypt.Domain.Access;
using Microsoft.AspNetCore.Authorization;

namespace MedCrypt.Portal.Authorization;

/// <summary>
/// The named authorization policies, one per <see cref="Permission"/>, decided by <see cref="AccessPolicy"/>'s table
/// through <see cref="PermissionRequirement"/>: pages (<c>[Authorize(Policy = Policies.ViewOriginal)]</c>,
/// <c>AuthorizeView Policy=…</c>) and API groups use these names and never a role. The default policy (a bare
/// <c>[Authorize]</c>) also refuses a privileged role signed in without a second factor; only <see cref="SignedIn"/>
/// (the account page, where they enrol) lets them through.
/// </summary>
public static class Policies
{
    public const string Analyse = nameof(Permission.Analyse);
    public const string ViewProtected = nameof(Permission.ViewProtected);
    public const string ViewOriginal = nameof(Permission.ViewOriginal);
    public const string SendStudies = nameof(Permission.SendStudies);
    public const string ReadHistory = nameof(Permission.ReadHistory);
    public const string ReadAudit = nameof(Permission.ReadAudit);
    public const string AdministerKeys = nameof(Permission.AdministerKeys);
    public const string AdministerUsers = nameof(Permission.AdministerUsers);
    public const string OperateSystem = nameof(Permission.OperateSystem);

    /// <summary>Any of the administrators' pages (keys, users, system).</summary>
    public const string Administer = "Administer";

    /// <summary>Signed in, second factor or not: the account page (enrolment) and signing out.</summary>
    public const string SignedIn = "SignedIn";

    public static void AddPermissionPolicies(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, PermissionRequirementHandler>();
        AuthorizationBuilder authorization = services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new PermissionRequirement()).Build())
            .AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        foreach (Permission permission in Enum.GetValues<Permission>())
        {
            authorization.AddPolicy(permission.ToString(), p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
        }

        // The same requirement as every other policy, so an administrator without a second factor is sent to enrol one.
        authorization.AddPolicy(Administer, p => p.RequireAuthenticatedUser().AddRequirements(
            new PermissionRequirement(Permission.AdministerKeys, Permission.AdministerUsers, Permission.OperateSystem)));
    }
}
