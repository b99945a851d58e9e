using System.Security.Claims;
using Bunit.TestDoubles;
using MedCrypt.Domain.Access;
using MedCrypt.Portal.Authorization;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// bUnit's authorization double knows policies only by name: a page test signs in with roles and gets exactly the
/// named policies <see cref="AccessPolicy"/> grants those roles (a Doctor or Admin with their second factor), so <c>AuthorizeView Policy=…</c> decides as the portal does.
/// </summary>
internal static class BunitSignIn
{
    public static BunitAuthorizationContext SignIn(this BunitAuthorizationContext authorization, string name, params string[] roles) =>
        SignInAccount(authorization, name, accountId: null, roles);

    /// <param name="accountId">The account's id, for what is checked against the account at the moment of use (an original).</param>
    public static BunitAuthorizationContext SignInAccount(this BunitAuthorizationContext authorization, string name, string? accountId, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        string[] policies = [.. Enum.GetValues<Permission>().Where(p => AccessPolicy.Allows(roles, p)).Select(p => p.ToString())];
        if (AccessPolicy.Allows(roles, Permission.AdministerUsers) || AccessPolicy.Allows(roles, Permission.AdministerKeys))
        {
            policies = [.. policies, Policies.Administer];
        }

        List<Claim> claims = [];
        if (AccessPolicy.RequiresSecondFactor(roles))
        {
            claims.Add(new Claim(ActorClaims.AuthenticationMethod, ActorClaims.MultiFactor)); // signed in with their authenticator, as they must be
        }

        if (accountId is not null)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, accountId));
        }

        BunitAuthorizationContext signedIn = authorization.SetAuthorized(name).SetRoles(roles).SetPolicies(policies);
        return claims.Count > 0 ? signedIn.SetClaims([.. claims]) : signedIn;
    }
}
