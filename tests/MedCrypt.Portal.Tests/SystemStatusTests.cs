using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Administration;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The system page's read model: the provider, the models and health for operators; a refusal audited once.</summary>
public sealed class SystemStatusTests
{
    [Theory]
    [InlineData("Sqlite", "SQLite")]
    [InlineData("Postgres", "PostgreSQL")]
    public async Task An_administrator_reads_the_provider_the_models_and_the_health(string provider, string shown)
    {
        using PortalFactory factory = PortalFactory.Create(provider);

        SystemOverview overview = await factory.Services.GetRequiredService<SystemStatus>().ReadAsync(TestStudies.Admin.ToActor(), TestContext.Current.CancellationToken);

        Assert.Equal(shown, overview.DatabaseProvider);
        Assert.Contains("tiny-a", overview.Models?.Names ?? []);
        Assert.NotEmpty(overview.Health.Entries);
    }

    [Fact]
    public async Task A_refusal_is_audited_exactly_once()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;

        await Assert.ThrowsAsync<AccessDeniedException>(() => factory.Services.GetRequiredService<SystemStatus>().ReadAsync(TestStudies.Doctor.ToActor(), ct));

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        AuditRecord refusal = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.SingleAsync(r => r.Action == "system.view", ct);
        Assert.Equal(("doctor@medcrypt.local", AuditOutcome.Denied), (refusal.Actor, refusal.Outcome));
    }
}
