using System.Security.Claims;
using MedCrypt.Domain.Access;

namespace MedCrypt.Portal.Authorization;

/// <summary>The signed-in principal as the Domain's <see cref="Actor"/>: the one place claims become an actor.</summary>
public static class ActorClaims
{
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return Actor.Anonymous;
        }

        return new Actor(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            user.Identity.Name ?? "anonymous",
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            SecondFactor: user.HasClaim(AuthenticationMethod, MultiFactor));
    }

    /// <summary>
    /// The claim Identity's sign-in manager adds after an authenticator's or a recovery code (RFC 8176's
    /// <c>amr</c>: <c>mfa</c>); the API's tokens and the enrolment page add the same.
    /// </summary>
    public const string AuthenticationMethod = "amr";

    public const string MultiFactor = "mfa";

    /// <summary>For pages deciding what to show (a link, a button); the use case checks again and audits.</summary>
    public static bool May(this ClaimsPrincipal user, Permission permission) => user.ToActor().May(permission);
}
