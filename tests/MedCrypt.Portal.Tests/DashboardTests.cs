using System.Net;
using Bunit;
using Bunit.TestDoubles;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.History;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Components.Pages.Home;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MedCrypt.Portal.Tests;

/// <summary>The live dashboard on the real portal's services: today's figures, the latest analyses, and a new study pushed in.</summary>
public sealed class DashboardTests : BunitContext
{
    private readonly PortalFactory _factory = PortalFactory.Create("Sqlite");

    public DashboardTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        // The portal's own singletons, so the dashboard reads the factory's database and hears its workflow.
        Services.AddSingleton(_factory.Services.GetRequiredService<ViewDashboard>());
        Services.AddSingleton(_factory.Services.GetRequiredService<StudyFeed>());
        _persisted = AddBunitPersistentComponentState();
    }

    private readonly BunitPersistentComponentState _persisted;

    [Fact]
    public async Task One_visit_prerendered_then_interactive_records_one_dashboard_view()
    {
        await TestStudies.AnalyseAsync(_factory, TestStudies.Staff, fileName: "visit.png");
        AddAuthorization().SignIn("auditor@medcrypt.local", Roles.Auditor);

        // The prerender, its state persisted into the page, then the interactive render that picks it up.
        IRenderedComponent<LiveDashboard> prerendered = Render<LiveDashboard>();
        prerendered.WaitForAssertion(() => Assert.Contains("visit.png", prerendered.Find("[data-testid=recent-analyses]").TextContent));
        _persisted.TriggerOnPersisting();
        IRenderedComponent<LiveDashboard> interactive = Render<LiveDashboard>();
        interactive.WaitForAssertion(() => Assert.Contains("visit.png", interactive.Find("[data-testid=recent-analyses]").TextContent));

        await using AsyncServiceScope scope = _factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(1, await db.AuditRecords.CountAsync(
            r => r.Action == "dashboard.view" && r.Actor == "auditor@medcrypt.local", Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_study_analysed_between_the_prerender_and_the_circuit_is_on_the_interactive_dashboard()
    {
        await TestStudies.AnalyseAsync(_factory, TestStudies.Staff, fileName: "before.png", seed: 1);
        AddAuthorization().SignIn("doctor@medcrypt.local", Roles.Doctor);
        IRenderedComponent<LiveDashboard> prerendered = Render<LiveDashboard>();
        prerendered.WaitForAssertion(() => Assert.Contains("before.png", prerendered.Find("[data-testid=recent-analyses]").TextContent));
        _persisted.TriggerOnPersisting();
        await DisposeComponentsAsync(); // the prerender is gone; its circuit has not subscribed yet

        StudyDetails between = await TestStudies.AnalyseAsync(_factory, TestStudies.Staff, fileName: "between.png", seed: 2);
        IRenderedComponent<LiveDashboard> interactive = Render<LiveDashboard>();

        interactive.WaitForAssertion(() =>
            Assert.Equal(between.Id.ToString("D"), interactive.FindAll("[data-testid=recent-analyses] tbody tr")[0].GetAttribute("data-study")));
        await using AsyncServiceScope scope = _factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.CountAsync(
            r => r.Action == "dashboard.view" && r.Actor == "doctor@medcrypt.local", Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_new_analysis_appears_on_an_open_dashboard_within_a_second()
    {
        StudyDetails earlier = await TestStudies.AnalyseAsync(_factory, TestStudies.Staff, "block", "earlier.png", seed: 1);
        AddAuthorization().SignIn("doctor@medcrypt.local", Roles.Doctor);
        IRenderedComponent<LiveDashboard> dashboard = Render<LiveDashboard>();
        dashboard.WaitForAssertion(() => Assert.Equal("1", dashboard.Find("[data-testid=studies-today]").TextContent.Trim()));
        Assert.Single(dashboard.FindAll("[data-testid=recent-analyses] tbody tr"));
        Assert.Contains($"/studies/{earlier.Id:D}", dashboard.Markup);
        Assert.Contains("tiny-a", dashboard.Find("[data-testid=model-figures]").TextContent);
        Assert.Contains("CPU", dashboard.Find("[data-testid=model-figures]").TextContent);

        StudyDetails next = await TestStudies.AnalyseAsync(_factory, TestStudies.Staff, "median", "next.png", seed: 2);

        dashboard.WaitForAssertion(() =>
        {
            Assert.Equal("2", dashboard.Find("[data-testid=studies-today]").TextContent.Trim());
            Assert.Equal(next.Id.ToString("D"), dashboard.FindAll("[data-testid=recent-analyses] tbody tr")[0].GetAttribute("data-study"));
        }, TimeSpan.FromSeconds(1));
        Assert.EndsWith("%", dashboard.Find("[data-testid=tumor-rate]").TextContent.Trim());
    }

    [Fact]
    public async Task Auditors_see_the_analyses_without_links_to_images()
    {
        StudyDetails study = await TestStudies.AnalyseAsync(_factory, TestStudies.Staff, fileName: "for-the-auditor.png");
        AddAuthorization().SignIn("auditor@medcrypt.local", Roles.Auditor);

        IRenderedComponent<LiveDashboard> dashboard = Render<LiveDashboard>();

        dashboard.WaitForAssertion(() => Assert.Contains("for-the-auditor.png", dashboard.Find("[data-testid=recent-analyses]").TextContent));
        Assert.DoesNotContain("/studies/", dashboard.Markup);
        Assert.Equal(study.Id.ToString("D"), dashboard.Find("[data-testid=recent-analyses] tbody tr").GetAttribute("data-study"));
    }

    [Fact]
    public async Task The_home_page_is_the_dashboard_for_every_role()
    {
        StudyDetails study = await TestStudies.AnalyseAsync(_factory, TestStudies.Staff, fileName: "home.png");
        CancellationToken ct = Xunit.TestContext.Current.CancellationToken;

        HttpClient staff = _factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(staff, "staff@medcrypt.local", PortalFactory.DemoPassword);
        string staffHome = await staff.GetStringAsync("/", ct);
        Assert.Contains("data-testid=\"dashboard\"", staffHome);
        Assert.Contains($"href=\"/studies/{study.Id:D}\"", staffHome);

        HttpClient auditor = _factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(auditor, "auditor@medcrypt.local", PortalFactory.DemoPassword);
        string auditorHome = await auditor.GetStringAsync("/", ct);
        Assert.Contains("home.png", auditorHome);
        Assert.DoesNotContain("href=\"/studies/", auditorHome);
        Assert.Contains("href=\"/history\"", auditorHome);

        HttpClient anonymous = _factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/history", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/history", ct)).StatusCode);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _factory.Dispose();
        }
    }
}
