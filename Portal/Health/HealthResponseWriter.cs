using System.Text.Json;
using MedCrypt.Domain.Access;
using MedCrypt.Portal.Authorization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Health;

/// <summary>
/// /health as JSON: the overall status and each check's status for anyone (load balancers, probes); each check's
/// description and data (file paths, devices, the audit anchor's refusal) only for those who operate the system.
/// </summary>
internal static class HealthResponseWriter
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        bool details = context.User.May(Permission.OperateSystem);
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => details
                    ? (object)new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }
                    : new { status = e.Value.Status.ToString() }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Options));
    }
}
