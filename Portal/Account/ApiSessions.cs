using System.Security.Cryptography;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Account;

/// <summary>
/// The API's sign-ins, one session each: the session's id rides in its tokens, and the store holds the hash of the
/// one refresh id that may be used next. A rotation is one conditional update, so of two uses of one refresh token
/// — a copy in someone else's hands, or a client's retry — exactly one wins; the other finds nothing to update and
/// the session closes, both holders then signing in again.
/// </summary>
internal sealed class ApiSessions(PortalDbContext db, TimeProvider clock)
{
    public const string SessionClaim = "medcrypt:session";
    public const string RefreshClaim = "medcrypt:refresh";

    /// <returns>The new session's id and its first refresh id.</returns>
    public async Task<(string Session, string Refresh)> OpenAsync(string userId, CancellationToken cancellationToken)
    {
        string session = NewId(), refresh = NewId();
        DateTimeOffset now = clock.GetUtcNow();
        db.ApiSessions.Add(new ApiSessionRecord { Id = session, UserId = userId, RefreshHash = Hash(refresh), CreatedAt = now, LastRefreshedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        return (session, refresh);
    }

    /// <returns>The next refresh id, or null when <paramref name="refresh"/> is not the current one (the session is then closed).</returns>
    public async Task<string?> RotateAsync(string userId, string session, string refresh, CancellationToken cancellationToken)
    {
        string next = NewId();
        byte[] presented = Hash(refresh), following = Hash(next);
        DateTimeOffset now = clock.GetUtcNow();
        int rotated = await db.ApiSessions
            .Where(s => s.Id == session && s.UserId == userId && s.RefreshHash == presented)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.RefreshHash, following).SetProperty(r => r.LastRefreshedAt, now), cancellationToken);
        if (rotated == 1)
        {
            return next;
        }

        await CloseAsync(userId, session, cancellationToken);
        return null;
    }

    public Task<bool> IsOpenAsync(string userId, string session, CancellationToken cancellationToken) =>
        db.ApiSessions.AnyAsync(s => s.Id == session && s.UserId == userId, cancellationToken);

    public Task CloseAsync(string userId, string session, CancellationToken cancellationToken) =>
        db.ApiSessions.Where(s => s.Id == session && s.UserId == userId).ExecuteDeleteAsync(cancellationToken);

    /// <returns>How many sessions were open.</returns>
    public Task<int> CloseAllAsync(string userId, CancellationToken cancellationToken) =>
        db.ApiSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(cancellationToken);

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static byte[] Hash(string id) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(id));
}
