using MedCrypt.Portal.Keys;
using MedCrypt.Portal.Users;

namespace MedCrypt.Portal.Extensions;

internal static class AdministrationServiceExtensions
{
    /// <summary>The administrators' use cases: accounts and keys. Singletons: each call takes its own database scope.</summary>
    public static void AddAdministration(this IServiceCollection services)
    {
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<RoleApprovals>();
        services.AddHostedService<RoleChangeExpiry>();
        services.AddSingleton<KeyAdministration>();
        services.AddSingleton<KeyMaintenance>();
        services.AddHostedService(s => s.GetRequiredService<KeyMaintenance>());
    }
}
