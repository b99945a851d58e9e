namespace MedCrypt.Portal.Users;

/// <summary>An account as the administrators' list shows it.</summary>
public sealed record UserSummary(string Id, string Email, IReadOnlyList<string> Roles, DateTimeOffset? LockedUntil, bool TwoFactorEnabled, int FailedAttempts)
{
    public bool LockedOut(DateTimeOffset now) => LockedUntil is { } until && until > now;
}
