using Bunit.TestDoubles;
using MedCrypt.Domain.Access;
using MedCrypt.Portal.Authorization;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// bUnit's authorization double knows policies only by name: a page test signs in with roles and gets exactly the
/// named policies <see cref="AccessPolicy"/> grants those roles, so <c>AuthorizeView Policy=…</c> decides as the portal does.
/// </summary>
internal static class BunitSignIn
{
    public static BunitAuthorizationContext SignIn(this BunitAuthorizationContext authorization, string name, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        string[] policies = [.. Enum.GetValues<Permission>().Where(p => AccessPolicy.Allows(roles, p)).Select(p => p.ToString())];
        if (AccessPolicy.Allows(roles, Permission.AdministerUsers) || AccessPolicy.Allows(roles, Permission.AdministerKeys))
        {
            policies = [.. policies, Policies.Administer];
        }

        return authorization.SetAuthorized(name).SetRoles(roles).SetPolicies(policies);
    }
}
