using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Auditing;

namespace MedCrypt.Portal.Extensions;

internal static class AuditServiceExtensions
{
    /// <summary>The audit log's anchor outside the database (section "Audit"): signing key, heads file, the publisher and its health check.</summary>
    public static void AddAuditAnchor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(AuditAnchorOptions.Resolve(builder.Configuration));
        builder.Services.AddSingleton<AuditAnchor>();
        builder.Services.AddSingleton<IAuditAnchor>(s => s.GetRequiredService<AuditAnchor>());
        builder.Services.AddHostedService<AuditHeadPublisher>();
        builder.Services.AddHealthChecks().AddCheck<AuditAnchorHealthCheck>("audit");
    }
}
