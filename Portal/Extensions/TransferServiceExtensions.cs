using MedCrypt.Domain.Transfer;
using MedCrypt.Portal.Data;

namespace MedCrypt.Portal.Extensions;

internal static class TransferServiceExtensions
{
    /// <summary>Studies sent to and taken from other institutions (the "Transfer" section), and the institutions administrators add.</summary>
    public static void AddTransfers(this IHostApplicationBuilder builder)
    {
        TransferSettings settings = builder.Configuration.GetSection("Transfer").Get<TransferSettings>() ?? new TransferSettings();
        if (!InstitutionCard.IsPrintableName(settings.InstitutionName))
        {
            // Every package would carry it in its header, and partners would refuse them all.
            throw new InvalidOperationException($"Transfer:InstitutionName must have 1 to {InstitutionCard.MaxNameLength} printable characters.");
        }

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<IInstitutionStore, EfInstitutionStore>();
        builder.Services.AddSingleton<TransferIdentity>();
        builder.Services.AddSingleton<AdministerInstitutions>();
        builder.Services.AddSingleton<SendStudy>();
        builder.Services.AddSingleton<ReceiveStudy>();
    }
}
