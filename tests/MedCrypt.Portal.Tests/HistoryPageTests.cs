using System.Globalization;
using Bunit;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.History;
using MedCrypt.Domain.Schemes;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Components.Pages.History;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MedCrypt.Portal.Tests;

/// <summary>The /history page on the real portal's history: rows from the database, links to studies for clinical roles only.</summary>
public sealed class HistoryPageTests : BunitContext
{
    private readonly PortalFactory _factory = PortalFactory.Create("Sqlite");

    public HistoryPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(_factory.Services.GetRequiredService<QueryPredictionHistory>());
        Services.AddSingleton(new SchemeDirectory(new SchemeCatalog()));
    }

    [Theory]
    [InlineData(Roles.Auditor, false)]
    [InlineData(Roles.Staff, true)]
    [InlineData(Roles.Doctor, true)]
    public async Task Rows_link_to_their_study_only_for_roles_that_see_images(string role, bool linked)
    {
        StudyDetails study = await TestStudies.AnalyseAsync(_factory, TestStudies.Staff, fileName: "history.png");
        AddAuthorization().SignIn($"{role.ToLowerInvariant()}@medcrypt.local", role);

        IRenderedComponent<HistoryPage> page = Render<HistoryPage>();

        // Studies first, one row each; its predictions (three models' readings) one click away.
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=history-grid] tbody tr.mud-table-row")));
        Assert.Equal("study", page.Find("[data-testid=history-grid]").GetAttribute("data-level"));
        Assert.Contains("history.png", page.Find("[data-testid=history-grid]").TextContent);
        Assert.Equal(linked, page.Markup.Contains($"/studies/{study.Id:D}", StringComparison.Ordinal));
        Assert.Equal(!linked, page.Markup.Contains($"/audit?subject=study%2F{study.Id:D}", StringComparison.Ordinal)); // auditors follow its audit trail
        Assert.Contains("level=study", page.Find("[data-testid=export]").GetAttribute("href"));
        double threshold = study.Verdict!.TumorThreshold!.Value;
        Assert.Equal($"≥ {(threshold * 100).ToString("0.####", CultureInfo.InvariantCulture)} %", page.Find("[data-testid=flagged-at]").TextContent); // the point the verdict was decided at

        page.Find("[data-testid=drill]").Click();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=history-grid] tbody tr.mud-table-row").Count));
        Assert.Equal("slice", page.Find("[data-testid=history-grid]").GetAttribute("data-level"));
        Assert.Contains(study.Id.ToString("D"), page.Find("[data-testid=drill-down]").TextContent);
        Assert.Contains($"study={study.Id:D}", page.Find("[data-testid=export]").GetAttribute("href"));
        Assert.Contains("level=slice", page.Find("[data-testid=export]").GetAttribute("href"));
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
