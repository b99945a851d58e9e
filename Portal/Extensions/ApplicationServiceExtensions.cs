using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Schemes;
using MudBlazor.Services;

namespace MedCrypt.Portal.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Everything the portal needs: the UI, the domain's use cases and the libraries under them.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddHealthChecks();

        SchemeOptions schemeOptions = builder.Configuration.GetSection("Crypto:Schemes").Get<SchemeOptions>() ?? new SchemeOptions();
        builder.Services.AddSingleton(new SchemeCatalog(schemeOptions));
        builder.Services.AddSingleton<SchemeDirectory>();
    }
}
