using MedCrypt.Domain.History;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.Errors;
using MedCrypt.Portal.Health;
using MedCrypt.Portal.Live;
using MudBlazor.Services;

namespace MedCrypt.Portal.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Everything the portal needs: the UI, the domain's use cases and the libraries under them.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi("v1");
        builder.AddPortalIdentity(); // before the data: the key encryption replaces Identity's user store
        builder.AddPortalData();
        builder.AddTransportSecurity();
        builder.AddPortalRateLimits();
        builder.AddPortalTelemetry(); // metrics on /metrics for administrators, OTLP when configured
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database").AddCheck<ModelsHealthCheck>("models");

        builder.Services.AddSingleton<IPredictionQueries, EfPredictionQueries>();
        builder.Services.AddSingleton<QueryPredictionHistory>();
        builder.Services.AddSingleton<ExportPredictionHistory>();
        builder.Services.AddSingleton<ViewDashboard>();
        builder.Services.AddSingleton<StudyFeed>();
        builder.Services.AddAdministration();
        builder.AddStudies();
        builder.AddTransfers();
        builder.AddPacs();
    }
}
