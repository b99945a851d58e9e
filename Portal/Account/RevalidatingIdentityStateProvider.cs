using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace MedCrypt.Portal.Account;

/// <summary>
/// An open tab (an interactive circuit) checks its sign-in against the account every
/// <see cref="RevocationOptions.CheckInterval"/>, uncached; once it no longer holds, the circuit is signed out and its
/// pages ask to sign in. Without this a circuit would keep the roles it started with for as long as the tab stays open.
/// </summary>
internal sealed class RevalidatingIdentityStateProvider(ILoggerFactory loggers, AccountStanding standing, RevocationOptions options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => options.CheckInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        standing.StillValidAsync(authenticationState.User, useCache: false, cancellationToken);
}
