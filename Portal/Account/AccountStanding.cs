using System.Security.Claims;
using MedCrypt.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace MedCrypt.Portal.Account;

/// <summary>
/// Whether what a cookie, a circuit or a bearer token says about an account still holds: the account exists, is not
/// locked, has the security stamp it was issued with (a password reset, a role change, a lock, a two-factor reset
/// and "sign out everywhere" all change it) and, for an API token, its session is open. A positive answer is kept for
/// <see cref="RevocationOptions.CheckInterval"/>, so a revocation takes at most that long to bite; a negative one is
/// never kept. Also the Domain's <see cref="IAccountStanding"/>, read uncached, for what is checked at the moment of use.
/// </summary>
internal sealed class AccountStanding(IServiceScopeFactory scopes, IMemoryCache cache, RevocationOptions options, IOptions<IdentityOptions> identity) : IAccountStanding
{
    public async Task<bool> StillValidAsync(ClaimsPrincipal principal, bool useCache, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string? id = principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType);
        string? stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        string? session = principal.FindFirstValue(ApiSessions.SessionClaim);
        if (id is null || stamp is null)
        {
            return false;
        }

        string key = $"standing:{id}:{stamp}:{session}";
        if (useCache && cache.TryGetValue(key, out _))
        {
            return true;
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        bool valid = await users.FindByIdAsync(id) is { } user
            && !await users.IsLockedOutAsync(user)
            && await users.GetSecurityStampAsync(user) == stamp
            && (session is null || await scope.ServiceProvider.GetRequiredService<ApiSessions>().IsOpenAsync(user, session));
        if (valid)
        {
            cache.Set(key, true, options.CheckInterval);
        }

        return valid;
    }

    public async Task<IReadOnlySet<string>?> CurrentRolesAsync(string accountId, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByIdAsync(accountId) is not { } user || await users.IsLockedOutAsync(user))
        {
            return null;
        }

        return (await users.GetRolesAsync(user)).ToHashSet(StringComparer.Ordinal);
    }
}
