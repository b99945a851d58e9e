using Bunit;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Components.Pages.Audit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MedCrypt.Portal.Tests;

/// <summary>The /audit page on the real portal's log: entries paged and filtered in the database, and the chain verified.</summary>
public sealed class AuditLogPageTests : BunitContext
{
    private readonly PortalFactory _factory = PortalFactory.Create("Sqlite");

    public AuditLogPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(_factory.Services.GetRequiredService<SearchAuditLog>());
        Services.AddSingleton(_factory.Services.GetRequiredService<MedCrypt.Domain.Auditing.VerifyAuditLog>());
    }

    [Fact]
    public async Task An_auditor_narrows_the_log_to_one_person_and_verifies_the_chain()
    {
        AuditLog audit = _factory.Services.GetRequiredService<AuditLog>();
        CancellationToken ct = Xunit.TestContext.Current.CancellationToken;
        for (int i = 0; i < 30; i++)
        {
            await audit.RecordAsync("staff@medcrypt.local", "study.analysed", $"study/{i}", AuditOutcome.Succeeded, cancellationToken: ct);
        }

        await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/7", AuditOutcome.Succeeded, cancellationToken: ct);
        await audit.RecordAsync("staff@medcrypt.local", "original.view", "study/7", AuditOutcome.Denied, "only doctors see originals", ct);
        AddAuthorization().SignIn("auditor@medcrypt.local", Roles.Auditor);

        IRenderedComponent<AuditLogPage> page = Render<AuditLogPage>();

        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count)); // the newest page of more than 25
        Assert.Contains("only doctors see originals", Rows(page)[0].TextContent); // newest first
        page.Find("[data-testid=filter-actor] input, input[data-testid=filter-actor]").Change("doctor@medcrypt.local");
        await page.Find("[data-testid=apply]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Single(Rows(page)));
        Assert.Contains("original.view", Rows(page)[0].TextContent);

        await page.Find("[data-testid=verify]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("nothing was altered", page.Find("[data-testid=verify-result]").TextContent));
        // Reading and verifying the log are themselves audited.
        AuditPage reads = await _factory.Services.GetRequiredService<SearchAuditLog>().RunAsync(
            TestStudies.User("auditor@medcrypt.local", Roles.Auditor).ToActor(), new AuditFilter(Actor: "auditor@medcrypt.local"), 1, 50, ct);
        Assert.Contains(reads.Items, e => e.Action == "audit.view");
        Assert.Contains(reads.Items, e => e.Action == "audit.verify");
    }

    [Fact]
    public async Task A_link_from_the_history_opens_the_log_narrowed_to_its_subject()
    {
        AuditLog audit = _factory.Services.GetRequiredService<AuditLog>();
        CancellationToken ct = Xunit.TestContext.Current.CancellationToken;
        string series = $"series/{Guid.NewGuid():D}";
        await audit.RecordAsync("staff@medcrypt.local", "series.analysed", series, AuditOutcome.Succeeded, cancellationToken: ct);
        await audit.RecordAsync("doctor@medcrypt.local", "series.open", series, AuditOutcome.Succeeded, cancellationToken: ct);
        await audit.RecordAsync("doctor@medcrypt.local", "study.open", "study/elsewhere", AuditOutcome.Succeeded, cancellationToken: ct);
        AddAuthorization().SignIn("auditor@medcrypt.local", Roles.Auditor);
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/audit?subject={Uri.EscapeDataString(series)}");

        IRenderedComponent<AuditLogPage> page = Render<AuditLogPage>();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));
        Assert.All(Rows(page), r => Assert.Contains(series, r.TextContent));
    }

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<AuditLogPage> page) =>
        page.FindAll("[data-testid=audit-table] tbody tr.mud-table-row");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _factory.Dispose();
        }
    }
}
