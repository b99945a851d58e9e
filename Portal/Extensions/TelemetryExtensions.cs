using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Auditing;
using MedCrypt.Inference;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MedCrypt.Portal.Extensions;

/// <summary>
/// OpenTelemetry for the portal: the analysis, inference, audit and database meters and activity sources (BCL
/// instruments in Domain, Inference and Data) plus ASP.NET Core's. Metrics are always readable on /metrics (Prometheus
/// text, administrators only); metrics and traces go out over OTLP only when an endpoint is configured
/// (OpenTelemetry:Otlp:Endpoint, or the standard OTEL_EXPORTER_OTLP_ENDPOINT) — otherwise no exporter runs and no trace is kept.
/// </summary>
public static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    private static readonly string[] Meters = [AnalysisTelemetry.Name, InferenceTelemetry.Name, AuditTelemetry.Name, DatabaseTelemetry.Name];
    private static readonly string[] Sources = [AnalysisTelemetry.Name, InferenceTelemetry.Name, AuditTelemetry.Name];

    public static void AddPortalTelemetry(this IHostApplicationBuilder builder)
    {
        OtlpSettings? otlp = OtlpSettings.From(builder.Configuration);
        OpenTelemetry.OpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("medcrypt-portal"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters).AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => otlp.Apply(o, "v1/metrics"));
                }
            });
        if (otlp is not null)
        {
            // Traces only where they can go: an activity nobody exports is work for nothing.
            telemetry.WithTracing(tracing => tracing.AddSource(Sources).AddAspNetCoreInstrumentation().AddOtlpExporter(o => otlp.Apply(o, "v1/traces")));
        }
    }

    /// <summary>The Prometheus scrape endpoint, for administrators with a bearer token (anonymous 401, other roles 403, problem+json).</summary>
    public static IEndpointConventionBuilder MapTelemetry(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireAuthorization(new AuthorizeAttribute(Policies.OperateSystem) { AuthenticationSchemes = IdentityConstants.BearerScheme });

    /// <summary>Where OTLP goes. OpenTelemetry:Otlp:Endpoint is a base address, like the standard variable: each signal's path is added for http/protobuf.</summary>
    private sealed record OtlpSettings(Uri? Endpoint, OtlpExportProtocol? Protocol)
    {
        public static OtlpSettings? From(IConfiguration configuration)
        {
            string? own = configuration["OpenTelemetry:Otlp:Endpoint"];
            if (string.IsNullOrWhiteSpace(own) && string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                return null;
            }

            OtlpExportProtocol? protocol = configuration["OpenTelemetry:Otlp:Protocol"] switch
            {
                null or "" => null,
                "grpc" => OtlpExportProtocol.Grpc,
                "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
                string other => throw new InvalidOperationException($"OpenTelemetry:Otlp:Protocol is '{other}': use grpc or http/protobuf."),
            };
            // Without our key the exporter reads the standard OTEL_EXPORTER_OTLP_* settings itself.
            return new OtlpSettings(string.IsNullOrWhiteSpace(own) ? null : new Uri(own, UriKind.Absolute), protocol);
        }

        public void Apply(OtlpExporterOptions options, string signalPath)
        {
            if (Protocol is { } protocol)
            {
                options.Protocol = protocol;
            }

            if (Endpoint is { } endpoint)
            {
                // Set in code, the endpoint is used as it is: http/protobuf needs the signal's path on it.
                options.Endpoint = options.Protocol == OtlpExportProtocol.HttpProtobuf
                    ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
                    : endpoint;
            }
        }
    }
}
