using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Domain.Schemes;
using MedCrypt.Domain.Studies;
using MedCrypt.Inference;
using MedCrypt.Inference.Classification;
using MedCrypt.Portal.Api;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Http.Features;

namespace MedCrypt.Portal.Extensions;

internal static class StudyServiceExtensions
{
    /// <summary>
    /// The study use cases and what they stand on, registered whether or not models are installed: without them the
    /// portal opens stored studies and says (on /health, the system page and any analysis) why it cannot classify.
    /// </summary>
    public static void AddStudies(this IHostApplicationBuilder builder)
    {
        // Uploads stay in memory: ASP.NET spools a form part over 64 KB to a temp file in the clear, which a crash or a
        // kill leaves behind. The request size limits (ApiEndpoints, TransferEndpoints) bound the memory instead.
        builder.Services.Configure<FormOptions>(o => o.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, ApiEndpoints.MaxStudiesRequestBytes));
        SchemeOptions schemeOptions = builder.Configuration.GetSection("Crypto:Schemes").Get<SchemeOptions>() ?? new SchemeOptions();
        builder.Services.AddSingleton(new SchemeCatalog(schemeOptions));
        builder.Services.AddSingleton<SchemeDirectory>();
        builder.Services.AddSingleton(new ImageCodec(maxPixels: builder.Configuration.GetValue("Imaging:MaxPixels", ImageCodec.DefaultMaxPixels)));
        builder.Services.AddSingleton<ScanPreparation>();
        // Compressed DICOM is decompressed by GDCM's gdcmconv (Debian libgdcm-tools); docs/dicom.md says why.
        builder.Services.AddSingleton(s => new DicomCodec(s.GetRequiredService<ImageCodec>(),
            new DicomDecompressor(builder.Configuration.GetValue("Imaging:DicomDecompressor", DicomDecompressor.DefaultTool)!)));
        builder.Services.AddSingleton(builder.Configuration.GetSection("Analysis").Get<AnalysisOptions>() ?? new AnalysisOptions());
        InferenceOptions inference = builder.Configuration.GetSection("Inference").Get<InferenceOptions>() ?? new InferenceOptions();
        inference = inference with { Manifest = FromRepositoryRoot(inference.Manifest) };
        builder.Services.AddSingleton(s => LoadModels(inference, s));

        builder.Services.AddSingleton<AccessGuard>();
        builder.Services.AddSingleton<IStudyStore, EfStudyStore>();
        builder.Services.AddSingleton<StudyImages>();
        builder.Services.AddSingleton<SealClearProtectedImages>();
        builder.Services.AddSingleton<StudyAccess>();
        builder.Services.AddSingleton<AnalyseStudy>();
        builder.Services.AddSingleton<OpenStudy>();
        builder.Services.AddSingleton<OpenSeries>();
        builder.Services.AddSingleton<ViewProtectedImage>();
        builder.Services.AddSingleton<ViewOriginalImage>();
        builder.Services.AddSingleton<ExplainStudy>();
        builder.Services.AddSingleton<MeasureStudy>();
    }

    /// <summary>
    /// Loads and warms up every model once (Program resolves this before taking requests), on the configured device; a
    /// manifest that does not match its models stops the start-up. No manifest: the runtime says so and stays empty.
    /// </summary>
    private static ModelRuntime LoadModels(InferenceOptions options, IServiceProvider services)
    {
        if (!File.Exists(options.Manifest))
        {
            return ModelRuntime.NotLoaded($"no models are installed ({options.Manifest} does not exist)");
        }

        return ModelRuntime.Loaded(LoadedModels.Around(
            Classifier.Load(options), services.GetRequiredService<ImageCodec>(), services.GetRequiredService<ScanPreparation>(),
            services.GetRequiredService<SchemeCatalog>(), services.GetRequiredService<AnalysisOptions>()));
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
