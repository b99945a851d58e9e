namespace MedCrypt.Domain.Accounts;

/// <summary>An account as administrators see it: never its password hash, authenticator key or recovery codes.</summary>
public sealed record AccountSummary(string Id, string Email, IReadOnlyList<string> Roles, DateTimeOffset? LockedUntil, bool TwoFactorEnabled, int FailedAttempts)
{
    public bool LockedOut(DateTimeOffset now) => LockedUntil is { } until && until > now;
}
