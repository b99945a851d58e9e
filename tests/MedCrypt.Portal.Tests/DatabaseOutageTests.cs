using System.Diagnostics;
using System.Net;
using Bunit;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Components.Pages.Audit;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Npgsql;
using TestContext = Xunit.TestContext;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// PostgreSQL goes away under a running portal and comes back: while it is away calls fail fast with 503
/// problem+json and save nothing; afterwards they succeed again without restarting the portal.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public void An_outage_is_told_from_a_bug_by_the_exception_it_left()
    {
        Assert.True(DatabaseOutage.Caused(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
        Assert.True(DatabaseOutage.Caused(new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03")));
        Assert.True(DatabaseOutage.Caused(new PostgresException("connection failure", "FATAL", "FATAL", "08006")));
        Assert.True(DatabaseOutage.Caused(new DbUpdateException("save failed", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()))));
        Assert.True(DatabaseOutage.Caused(new InvalidOperationException("likely transient", new NpgsqlException("closed", new IOException("broken pipe")))));
        Assert.True(DatabaseOutage.Caused(new InvalidOperationException("pool", new TimeoutException())));

        Assert.False(DatabaseOutage.Caused(new PostgresException("duplicate key value", "ERROR", "ERROR", "23505")));
        Assert.False(DatabaseOutage.Caused(new PostgresException("syntax error", "ERROR", "ERROR", "42601")));
        Assert.False(DatabaseOutage.Caused(new IOException("disk full"))); // a file of ours, not the database
        Assert.False(DatabaseOutage.Caused(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void A_page_shows_a_domain_failure_and_an_outage_and_lets_a_bug_through()
    {
        var rejected = new MedCrypt.Domain.Failures.RejectedInputException("bad filter");
        Assert.Same(rejected, PageFailure.Of(rejected));
        Assert.Equal(DatabaseOutage.Message, PageFailure.Of(new DbUpdateException("save failed", new NpgsqlException("closed", new EndOfStreamException())))?.Message);
        Assert.Null(PageFailure.Of(new InvalidOperationException("a bug")));
    }

    [Fact]
    public async Task While_the_database_is_away_a_page_says_so_and_its_circuit_lives_on()
    {
        Assert.SkipWhen(PortalFactory.PostgresServer is null, "No PostgreSQL server: the README's test command starts one (MEDCRYPT_TEST_POSTGRES).");
        var server = new NpgsqlConnectionStringBuilder(PortalFactory.PostgresServer);
        await using var relay = new TcpRelay(server.Host!, server.Port);
        server.Port = relay.Port;
        using var factory = new PortalFactory("Postgres", server.ConnectionString);
        await using var page = new BunitContext();
        page.JSInterop.Mode = JSRuntimeMode.Loose;
        page.Services.AddMudServices();
        page.Services.AddSingleton(factory.Services.GetRequiredService<SearchAuditLog>());
        page.Services.AddSingleton(factory.Services.GetRequiredService<VerifyAuditLog>());
        page.AddAuthorization().SignIn("auditor@medcrypt.local", Roles.Auditor);

        relay.Cut();
        IRenderedComponent<AuditLogPage> rendered = page.Render<AuditLogPage>();

        // Before PageFailure the Npgsql exception went uncaught and ended the circuit (bUnit rethrows it here).
        rendered.WaitForAssertion(() => Assert.True(rendered.Markup.Contains(DatabaseOutage.Message, StringComparison.Ordinal), rendered.Markup), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task While_the_database_is_away_calls_fail_fast_with_503_and_recover_when_it_returns()
    {
        Assert.SkipWhen(PortalFactory.PostgresServer is null, "No PostgreSQL server: the README's test command starts one (MEDCRYPT_TEST_POSTGRES).");
        var server = new NpgsqlConnectionStringBuilder(PortalFactory.PostgresServer);
        await using var relay = new TcpRelay(server.Host!, server.Port);
        server.Port = relay.Port;
        using var factory = new PortalFactory("Postgres", server.ConnectionString);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        HttpResponseMessage before = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "before.png", "block"), ct);
        Assert.Equal(HttpStatusCode.Created, before.StatusCode);

        relay.Cut();
        var clock = Stopwatch.StartNew();
        HttpResponseMessage during = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "during.png", "block"), ct);
        await Api.AssertProblemAsync(during, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("database is unavailable", await during.Content.ReadAsStringAsync(ct));
        Assert.True(during.Headers.RetryAfter is not null, "a 503 says when to try again");
        await Api.AssertProblemAsync(await staff.GetAsync($"/api/v1/studies/{Guid.NewGuid()}", ct), HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await factory.CreateClient().GetAsync("/health", ct)).StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"failing took {clock.Elapsed}: it must be fast");

        relay.Restore();
        HttpResponseMessage after = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "after.png", "block"), ct);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(["after.png", "before.png"], await db.Studies.OrderBy(s => s.FileName).Select(s => s.FileName).ToListAsync(ct));
        Assert.Equal(2, await db.AuditRecords.CountAsync(r => r.Action == "study.analysed", ct));
        Assert.Null(await factory.Services.GetRequiredService<AuditLog>().VerifyAsync(ct));
    }
}
