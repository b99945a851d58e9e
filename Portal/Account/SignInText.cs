using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>What every sign-in path (the pages, the API, the account pages) reads and says alike.</summary>
internal static class SignInText
{
    /// <summary>An authenticator's code as people type it ("123 456", "123-456") reduced to its digits.</summary>
    public static string Digits(string? code) =>
        (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    /// <summary>What a locked-out account is told, wherever the lockout happened.</summary>
    public static string LockedOut(IdentityOptions options) => $"Too many failed attempts: the account is locked for {LockoutDuration(options)}.";

    /// <summary>How long a lockout lasts, from the configured options ("15 minutes").</summary>
    public static string LockoutDuration(IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        double minutes = options.Lockout.DefaultLockoutTimeSpan.TotalMinutes;
        return minutes == 1 ? "1 minute" : $"{minutes:0} minutes";
    }
}
