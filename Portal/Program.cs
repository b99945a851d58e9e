using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Portal.Account;
using MedCrypt.Portal.Api;
using MedCrypt.Portal.Components;
using MedCrypt.Portal.Extensions;
using MedCrypt.Portal.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

// The content root is the build output, where the top-level appsettings.json (and appsettings.Development.json) are
// copied; environment variables override them (e.g. Inference__Device=cpu).
if (args is ["audit", .. var command]) { Environment.ExitCode = await MedCrypt.Portal.Auditing.AuditCommand.RunAsync(command, Console.Out); return; } // offline, no web host

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddApplicationServices();
builder.AddAuditAnchor();

var app = builder.Build();
await app.PrepareDatabaseAsync();
DicomDecompressor.SweepStaleFolders(); // what a killed portal left of compressed DICOM (docs/dicom.md)
app.UseTransportSecurity(); // forwarded headers from trusted proxies; HTTPS redirection and HSTS outside Development
app.UseSecurityHeaders();   // CSP, nosniff, no referrer, no-store
if (app.Environment.IsDevelopment())
{
    app.UseExceptionHandler(); // ProblemExceptionHandler's 4xx/503 answers; anything else a 500 problem+json
}
else
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseStatusCodePages(); // bare 401/403/404 answers get a problem+json body
app.UseAuthentication();
app.UseAccountRevalidation(); // a locked, changed or signed-out-everywhere account's cookie or token stops here
app.UseAuthorization();
app.UseRateLimiter(); // after authorization: uploads count against the signed-in user
app.UseAntiforgery();
app.MapStaticAssets();
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync });
app.MapTelemetry(); // /metrics (Prometheus text) for administrators
if (app.Services.GetRequiredService<ModelRuntime>().Installed?.DeviceNote is { } deviceNote) // loads the models before the first request
{
    app.Logger.LogWarning("{DeviceNote}", deviceNote);
}

app.MapAccountEndpoints();
app.MapApi();
app.MapHistoryExport();
app.MapTransferDownloads();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
await app.RunAsync();

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
