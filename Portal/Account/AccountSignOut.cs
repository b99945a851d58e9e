using System.Security.Claims;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Authorization;
using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>
/// "Sign out everywhere": a new security stamp ends every cookie, circuit and access token at its next check (within
/// <see cref="RevocationOptions.CheckInterval"/>), and closing the API sessions makes every refresh token worthless at once.
/// </summary>
internal sealed class AccountSignOut(UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, ApiSessions sessions, AccountStanding standing, AuditLog audit)
{
    /// <param name="channel">Where it was asked for (<see cref="AccountSignIn.Portal"/>, which also signs this browser out, or <see cref="AccountSignIn.Api"/>), for the audit entry.</param>
    public async Task EverywhereAsync(ClaimsPrincipal principal, string channel, CancellationToken cancellationToken)
    {
        IdentityUser user = await users.GetUserAsync(principal) ?? throw new InvalidOperationException("The signed-in account no longer exists.");
        IdentityResult stamped = await users.UpdateSecurityStampAsync(user);
        if (!stamped.Succeeded)
        {
            throw new InvalidOperationException($"The security stamp could not be changed: {stamped.Describe()}");
        }

        int closed = await sessions.CloseAllAsync(user.Id, cancellationToken);
        standing.Forget(user.Id); // this instance at once; the others within the interval
        await audit.RecordAsync(principal.ToActor().Name, "sign-out.everywhere", channel, AuditOutcome.Succeeded, $"{closed} API session(s) closed", cancellationToken);
        if (channel == AccountSignIn.Portal)
        {
            await signIn.SignOutAsync(); // and this browser's cookie at once
        }
    }
}
