using System.Collections.Concurrent;
using System.Security.Claims;
using MedCrypt.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace MedCrypt.Portal.Account;

/// <summary>
/// Whether what a cookie, a circuit or a bearer token says about an account still holds: the account exists, is not
/// locked, has the security stamp it was issued with (a password change, a role change, a lock, a two-factor reset
/// and "sign out everywhere" all change it) and, for an API token, its session is open. A positive answer is kept for
/// <see cref="RevocationOptions.CheckInterval"/>, so a revocation takes at most that long to bite on another instance
/// (on this one <see cref="Forget"/> makes it at once); a negative one is never kept. Also the Domain's
/// <see cref="IAccountStanding"/>, read uncached, for what is checked at the moment of use.
/// </summary>
public sealed class AccountStanding(IServiceScopeFactory scopes, IMemoryCache cache, RevocationOptions options, IOptions<IdentityOptions> identity) : IAccountStanding
{
    /// <summary>One per account with cached answers: cancelling it drops them all.</summary>
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _generations = new(StringComparer.Ordinal);

    public async Task<bool> StillValidAsync(ClaimsPrincipal principal, bool useCache, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (Key(principal) is not { } key)
        {
            return false;
        }

        if (useCache && cache.TryGetValue(key.Cached, out _))
        {
            return true;
        }

        CancellationToken generation = _generations.GetOrAdd(key.UserId, _ => new CancellationTokenSource()).Token;
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        bool valid = await users.FindByIdAsync(key.UserId) is { } user
            && !await users.IsLockedOutAsync(user)
            && await users.GetSecurityStampAsync(user) == key.Stamp
            && (key.Session is null || await scope.ServiceProvider.GetRequiredService<ApiSessions>().IsOpenAsync(key.UserId, key.Session, cancellationToken));
        if (valid && !generation.IsCancellationRequested)
        {
            cache.Set(key.Cached, true, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.CheckInterval }
                .AddExpirationToken(new CancellationChangeToken(generation)));
        }

        return valid;
    }

    /// <summary>Drops this instance's cached answers for the account: after a lock, a role change or a sign-out here, its credentials are checked afresh at once.</summary>
    public void Forget(string userId)
    {
        if (_generations.TryRemove(userId, out CancellationTokenSource? generation))
        {
            generation.Cancel();
            generation.Dispose();
        }
    }

    /// <summary>True the first time in an interval a revoked credential is seen, so that one replayed a thousand times is one audit entry, not a thousand.</summary>
    public bool FirstRefusalInInterval(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string key = $"revoked:{Key(principal)?.Cached ?? "unidentified"}";
        if (cache.TryGetValue(key, out _))
        {
            return false;
        }

        cache.Set(key, true, options.CheckInterval);
        return true;
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

    private (string UserId, string Stamp, string? Session, string Cached)? Key(ClaimsPrincipal principal)
    {
        string? id = principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType);
        string? stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        string? session = principal.FindFirstValue(ApiSessions.SessionClaim);
        return id is null || stamp is null ? null : (id, stamp, session, $"standing:{id}:{stamp}:{session}");
    }
}
