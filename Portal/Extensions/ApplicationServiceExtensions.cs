using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Schemes;
using MedCrypt.Inference;
using MedCrypt.Inference.Classification;
using MedCrypt.Portal.Auditing;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.Errors;
using MedCrypt.Portal.Health;
using MedCrypt.Portal.History;
using MedCrypt.Portal.Live;
using MedCrypt.Portal.Studies;
using MudBlazor.Services;

namespace MedCrypt.Portal.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Everything the portal needs: the UI, the domain's use cases and the libraries under them.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.AddPortalData();
        builder.AddTransportSecurity();
        builder.AddPortalRateLimits();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database").AddCheck<ModelsHealthCheck>("models");

        SchemeOptions schemeOptions = builder.Configuration.GetSection("Crypto:Schemes").Get<SchemeOptions>() ?? new SchemeOptions();
        builder.Services.AddSingleton(new SchemeCatalog(schemeOptions));
        builder.Services.AddSingleton<SchemeDirectory>();
        builder.Services.AddSingleton<PredictionHistory>();
        builder.Services.AddSingleton<StudyFeed>();
        builder.Services.AddSingleton<DashboardStatistics>();
        builder.Services.AddAdministration();
        AddModels(builder);
    }

    /// <summary>
    /// Loads and warms up every model once, at start-up, on the configured device; a manifest that does not match
    /// its models stops the start-up. Without a manifest (no models trained yet) the portal runs and /health says so.
    /// </summary>
    private static void AddModels(IHostApplicationBuilder builder)
    {
        InferenceOptions options = builder.Configuration.GetSection("Inference").Get<InferenceOptions>() ?? new InferenceOptions();
        options = options with { Manifest = FromRepositoryRoot(options.Manifest) };
        if (!File.Exists(options.Manifest))
        {
            return;
        }

        Classifier classifier = Classifier.Load(options);
        builder.Services.AddSingleton(classifier);
        builder.Services.AddSingleton(new ImageCodec(maxPixels: builder.Configuration.GetValue("Imaging:MaxPixels", ImageCodec.DefaultMaxPixels)));
        builder.Services.AddSingleton<ScanPreparation>();
        builder.Services.AddSingleton(new BlockAdaptations(classifier.Models));
        builder.Services.AddSingleton<SchemeReader>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Analysis").Get<AnalysisOptions>() ?? new AnalysisOptions());
        builder.Services.AddSingleton<StudyAnalyser>();
        builder.Services.AddSingleton<StudyWorkflow>();
        builder.Services.AddSingleton<StudyInsights>();
    }

    /// <summary>
    /// A relative path is taken from the checkout's root (the folder with MedCrypt.Portal.sln above the working
    /// directory: `dotnet run --project Portal` runs in Portal/), else from the working directory (a deployment).
    /// </summary>
    private static string FromRepositoryRoot(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MedCrypt.Portal.sln")))
            {
                return Path.Combine(directory.FullName, path);
            }
        }

        return Path.GetFullPath(path);
    }
}
