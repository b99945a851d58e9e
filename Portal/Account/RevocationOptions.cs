namespace MedCrypt.Portal.Account;

/// <summary>
/// How soon a lock, a role change, a password reset or "sign out everywhere" ends what was issued before it
/// (configuration section <c>Revocation</c>): every circuit, cookie and bearer token is checked against the account
/// at most <see cref="CheckSeconds"/> after the last check; access tokens live <see cref="AccessTokenMinutes"/>.
/// </summary>
public sealed class RevocationOptions
{
    /// <summary>A circuit revalidates, and a request's cookie or token is looked up again, this often (≤ 60).</summary>
    public double CheckSeconds { get; set; } = 30;

    public double AccessTokenMinutes { get; set; } = 10;

    /// <summary>A refresh token is good for one use within this time; each use returns a new one.</summary>
    public double RefreshTokenHours { get; set; } = 8;

    public TimeSpan CheckInterval => TimeSpan.FromSeconds(CheckSeconds);

    public TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(AccessTokenMinutes);

    public TimeSpan RefreshTokenLifetime => TimeSpan.FromHours(RefreshTokenHours);

    /// <exception cref="InvalidOperationException">A setting outside what the security review accepted.</exception>
    public RevocationOptions Validated()
    {
        if (CheckSeconds is <= 0 or > 60 || AccessTokenMinutes is <= 0 or > 15 || RefreshTokenHours is <= 0 or > 24)
        {
            throw new InvalidOperationException(
                "Revocation: CheckSeconds must be in (0, 60], AccessTokenMinutes in (0, 15] and RefreshTokenHours in (0, 24].");
        }

        return this;
    }
}
