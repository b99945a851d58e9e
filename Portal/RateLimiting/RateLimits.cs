using System.Security.Claims;
using System.Threading.RateLimiting;

namespace MedCrypt.Portal.RateLimiting;

/// <summary>
/// The RateLimits section of appsettings.json, and the names endpoints and pages refer to. Fixed windows, no queue:
/// a caller over the limit is answered 429 at once, with Retry-After.
/// </summary>
public sealed class RateLimits
{
    /// <summary>Sign-in attempts (the login form's post, the 2FA form's post, POST /api/v1/auth/login), per client address.</summary>
    public const string SignInPolicy = "sign-in";

    /// <summary>Scan uploads (POST /api/v1/studies; the Analyse page through <see cref="CircuitUploadLimiter"/>), per signed-in user.</summary>
    public const string UploadsPolicy = "uploads";

    public RateLimit SignIn { get; init; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    public RateLimit Uploads { get; init; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Who an upload counts against: the signed-in user (API and pages alike), else the client's address.</summary>
    public static string UploaderKey(ClaimsPrincipal user, System.Net.IPAddress? address) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? $"user:{id}" : $"address:{address}";
}

/// <summary>At most <see cref="PermitLimit"/> requests in each <see cref="Window"/>.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; init; }

    public TimeSpan Window { get; init; }

    public FixedWindowRateLimiterOptions ToOptions() => new()
    {
        PermitLimit = PermitLimit,
        Window = Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
