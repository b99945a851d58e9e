using MedCrypt.Domain.Transfer;
using MedCrypt.Portal.Data;

namespace MedCrypt.Portal.Extensions;

internal static class TransferServiceExtensions
{
    /// <summary>Studies sent to and taken from other institutions (the "Transfer" section), and the institutions administrators add.</summary>
    public static void AddTransfers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection("Transfer").Get<TransferSettings>() ?? new TransferSettings());
        builder.Services.AddSingleton<IInstitutionStore, EfInstitutionStore>();
        builder.Services.AddSingleton<TransferIdentity>();
        builder.Services.AddSingleton<AdministerInstitutions>();
        builder.Services.AddSingleton<SendStudy>();
        builder.Services.AddSingleton<ReceiveStudy>();
    }
}
