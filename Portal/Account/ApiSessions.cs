using System.Security.Cryptography;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Account;

/// <summary>
/// The API's sign-ins, one session each: the session's id rides in its tokens, and the store holds the id of the one
/// refresh token that may be used next (an Identity user token, encrypted at rest like the others). A refresh
/// token used twice means it was copied: the session closes and both holders must sign in again.
/// </summary>
internal sealed class ApiSessions(UserManager<IdentityUser> users, PortalDbContext db)
{
    public const string Provider = "MedCrypt.ApiSession";
    public const string SessionClaim = "medcrypt:session";
    public const string RefreshClaim = "medcrypt:refresh";

    /// <returns>The new session's id and its first refresh id.</returns>
    public async Task<(string Session, string Refresh)> OpenAsync(IdentityUser user)
    {
        string session = NewId(), refresh = NewId();
        Check(await users.SetAuthenticationTokenAsync(user, Provider, session, refresh));
        return (session, refresh);
    }

    /// <returns>The next refresh id, or null when <paramref name="refresh"/> is not the current one (the session is then closed).</returns>
    public async Task<string?> RotateAsync(IdentityUser user, string session, string refresh)
    {
        string? current = await users.GetAuthenticationTokenAsync(user, Provider, session);
        if (current is null || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(current), System.Text.Encoding.ASCII.GetBytes(refresh)))
        {
            await CloseAsync(user, session);
            return null;
        }

        string next = NewId();
        Check(await users.SetAuthenticationTokenAsync(user, Provider, session, next));
        return next;
    }

    public async Task<bool> IsOpenAsync(IdentityUser user, string session) =>
        await users.GetAuthenticationTokenAsync(user, Provider, session) is not null;

    public async Task CloseAsync(IdentityUser user, string session) =>
        Check(await users.RemoveAuthenticationTokenAsync(user, Provider, session));

    /// <returns>How many sessions were open.</returns>
    public Task<int> CloseAllAsync(IdentityUser user, CancellationToken cancellationToken) =>
        db.UserTokens.Where(t => t.UserId == user.Id && t.LoginProvider == Provider).ExecuteDeleteAsync(cancellationToken);

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The API session could not be stored: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
