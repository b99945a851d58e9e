using MedCrypt.Domain.Accounts;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Administration;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.Keys;

namespace MedCrypt.Portal.Extensions;

internal static class AdministrationServiceExtensions
{
    /// <summary>The administrators' use cases: accounts and keys. Singletons: each call takes its own database scope.</summary>
    public static void AddAdministration(this IServiceCollection services)
    {
        services.AddSingleton<IAccountStore, IdentityAccountStore>();
        services.AddSingleton<IRoleChangeStore, EfRoleChangeStore>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<RoleApprovals>();
        services.AddSingleton<BreakGlass>();
        services.AddHostedService<RoleChangeExpiry>();
        services.AddSingleton<KeyAdministration>();
        services.AddSingleton<KeyMaintenance>();
        services.AddHostedService(s => s.GetRequiredService<KeyMaintenance>());

        // The audit log's search (a Domain use case behind its query port) and the chain's verification.
        services.AddSingleton<IAuditQueries, EfAuditQueries>();
        services.AddSingleton<SearchAuditLog>();
        services.AddSingleton<VerifyAuditLog>();
        services.AddSingleton<SystemStatus>();
    }
}
