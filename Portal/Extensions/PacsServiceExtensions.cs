using MedCrypt.Domain.Pacs;
using MedCrypt.Portal.Pacs;

namespace MedCrypt.Portal.Extensions;

internal static class PacsServiceExtensions
{
    /// <summary>The PACS importer, when the "Pacs" section names a URL; otherwise nothing (the zero-set-up run is unchanged).</summary>
    public static void AddPacs(this IHostApplicationBuilder builder)
    {
        PacsOptions options = builder.Configuration.GetSection("Pacs").Get<PacsOptions>() ?? new PacsOptions();
        if (!options.Enabled)
        {
            return;
        }

        builder.Services.AddSingleton(options);
        // No request logging: Orthanc's ids in its URIs are hashes of the patient's and the study's identifiers.
        builder.Services.AddHttpClient<OrthancClient>(http => OrthancClient.Configure(http, options)).RemoveAllLoggers();
        builder.Services.AddSingleton<PacsCursor>();
        builder.Services.AddSingleton<ImportPacsSeries>();
        builder.Services.AddSingleton<PacsImporter>();
        builder.Services.AddHostedService(s => s.GetRequiredService<PacsImporter>());
        builder.Services.AddHealthChecks().AddCheck<PacsHealthCheck>("pacs");
    }
}
