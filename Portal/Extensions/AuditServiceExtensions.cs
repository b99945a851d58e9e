using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Auditing;

namespace MedCrypt.Portal.Extensions;

internal static class AuditServiceExtensions
{
    /// <summary>The audit log, and its anchor outside the database (section "Audit"): signing key, heads file, the publisher and its health check.</summary>
    public static void AddAuditAnchor(this IHostApplicationBuilder builder)
    {
        AuditAnchorOptions options = AuditAnchorOptions.Resolve(builder.Configuration);
        builder.Services.AddSingleton(options);
        // The writer keeps the anchor's bound on unanchored accesses itself: a publisher pass that never ends cannot hold it off.
        builder.Services.AddSingleton(s => new AuditLog(s.GetRequiredService<IAuditStore>(), s.GetRequiredService<TimeProvider>(), maxUnanchored: options.MaxUnanchored));
        builder.Services.AddSingleton<AuditAnchor>();
        builder.Services.AddSingleton<IAuditAnchor>(s => s.GetRequiredService<AuditAnchor>());
        builder.Services.AddHostedService<AuditHeadPublisher>();
        builder.Services.AddHealthChecks().AddCheck<AuditAnchorHealthCheck>("audit");
    }
}
