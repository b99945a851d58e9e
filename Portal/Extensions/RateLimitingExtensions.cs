using System.Globalization;
using System.Threading.RateLimiting;
using MedCrypt.Portal.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace MedCrypt.Portal.Extensions;

/// <summary>
/// ASP.NET Core rate limiting on sign-in (per client address: the caller is not known yet) and uploads (per user),
/// limits from the RateLimits section; over the limit is a 429 problem+json with Retry-After. Endpoints opt in with
/// RequireRateLimiting / [EnableRateLimiting]; the Analyse page uses <see cref="CircuitUploadLimiter"/>.
/// </summary>
public static class RateLimitingExtensions
{
    public static void AddPortalRateLimits(this IHostApplicationBuilder builder)
    {
        RateLimits limits = builder.Configuration.GetSection("RateLimits").Get<RateLimits>() ?? new RateLimits();
        builder.Services.AddSingleton(limits);
        builder.Services.AddSingleton<CircuitUploadLimiter>();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = WriteProblemAsync;
            // Only the posted form counts: showing the sign-in page is not an attempt.
            o.AddPolicy(RateLimits.SignInPolicy, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter($"address:{context.Connection.RemoteIpAddress}", _ => limits.SignIn.ToOptions())
                : RateLimitPartition.GetNoLimiter(""));
            o.AddPolicy(RateLimits.UploadsPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                RateLimits.UploaderKey(context.User, context.Connection.RemoteIpAddress), _ => limits.Uploads.ToOptions()));
        });
    }

    private static async ValueTask WriteProblemAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        HttpContext context = rejected.HttpContext;
        int seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        string policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "";
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimitingExtensions))
            .LogWarning("Rate limit {Policy} reached: {Method} {Path} from {Address} answered 429", policy, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress);
        string what = policy == RateLimits.SignInPolicy ? "sign-in attempts from this address" : policy == RateLimits.UploadsPolicy ? "uploads" : "requests";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many {what}. Try again in {seconds} s.",
            },
        });
    }
}
