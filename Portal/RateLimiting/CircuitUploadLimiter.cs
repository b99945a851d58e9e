using System.Security.Claims;
using System.Threading.RateLimiting;

namespace MedCrypt.Portal.RateLimiting;

/// <summary>
/// The upload limit for the Analyse page, whose file comes over the Blazor circuit rather than as an HTTP request
/// the rate-limiting middleware sees. Same limit and partition (the user) as POST /api/v1/studies, counted separately.
/// </summary>
public sealed class CircuitUploadLimiter(RateLimits limits) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(
        key => RateLimitPartition.GetFixedWindowLimiter(key, _ => limits.Uploads.ToOptions()));

    /// <summary>Null when the upload may go ahead; otherwise why not, in words for the page.</summary>
    public string? TryStart(ClaimsPrincipal user)
    {
        using RateLimitLease lease = _limiter.AttemptAcquire(RateLimits.UploaderKey(user, address: null));
        if (lease.IsAcquired)
        {
            return null;
        }

        string when = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter)
            ? $"in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} s" : "shortly";
        return $"Too many uploads: at most {limits.Uploads.PermitLimit} every {limits.Uploads.Window.TotalSeconds:0} s. Try again {when}.";
    }

    public void Dispose() => _limiter.Dispose();
}
