using Bunit;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Studies;
using MedCrypt.Domain.Transfer;
using MedCrypt.Portal.Components.Pages.Studies;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MedCrypt.Portal.Tests;

/// <summary>The study viewer's extras on the real portal's services: heat map overlay, metrics for doctors only, one zoom for both panes.</summary>
public sealed class StudyViewerTests : BunitContext
{
    private readonly PortalFactory _factory = PortalFactory.Create("Sqlite");

    public StudyViewerTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        AddBunitPersistentComponentState();
        Services.AddSingleton(_factory.Services.GetRequiredService<OpenStudy>());
        Services.AddSingleton(_factory.Services.GetRequiredService<ViewProtectedImage>());
        Services.AddSingleton(_factory.Services.GetRequiredService<ViewOriginalImage>());
        Services.AddSingleton(_factory.Services.GetRequiredService<ExplainStudy>());
        Services.AddSingleton(_factory.Services.GetRequiredService<MeasureStudy>());
        Services.AddSingleton(_factory.Services.GetRequiredService<SendStudy>());
        Services.AddSingleton(_factory.Services.GetRequiredService<OpenSeries>());
        Services.AddSingleton(_factory.Services.GetRequiredService<ModelRuntime>()); // the predictions table and the screening notice read the installed models
    }

    [Fact]
    public async Task Doctors_compare_both_panes_at_one_zoom_and_measure_the_protection()
    {
        StudyDetails study = await TestStudies.AnalyseAsync(_factory, TestStudies.Staff);
        // The account's id too: decrypting the original asks the account as it is now.
        AddAuthorization().SignInAccount("doctor@medcrypt.local", await TestAccounts.IdAsync(_factory.Services, "doctor@medcrypt.local"), Roles.Doctor);
        IRenderedComponent<StudyView> page = Render<StudyView>(p => p.Add(v => v.Id, study.Id));

        page.Find("[data-testid=show-original] ").Click();
        page.WaitForElement("[data-testid=original-image]");
        page.FindComponent<MudBlazor.MudSlider<double>>().Find("input").Input("3");
        var transforms = page.FindAll("div[style*='scale(']").Select(d => d.GetAttribute("style")).ToList();
        Assert.Equal(2, transforms.Count);
        Assert.All(transforms, t => Assert.Contains("scale(3)", t));

        // Window and level on the original: a preset narrows the window, drawn by the page's own SVG transfer.
        Assert.Contains($"filter:url(#window-level-{study.Id:N})", page.Find("[data-testid=original-image]").GetAttribute("style"));
        Assert.Equal("1", page.Find("feFuncR").GetAttribute("slope"));
        page.FindAll("[data-testid=window-level] button").Single(b => b.TextContent.Contains("Brain", StringComparison.Ordinal)).Click();
        page.WaitForAssertion(() => Assert.Equal("W 140 / L 110", page.Find("[data-testid=window-level-values]").TextContent.Trim()));
        Assert.Equal("1.8214", page.Find("feFuncR").GetAttribute("slope")); // 255 / 140
        Assert.Equal("-0.2857", page.Find("feFuncR").GetAttribute("intercept")); // 0.5 − 110 / 140

        // Dragged with the right button: right widens the window, up raises the level; the pan stays where it was.
        string panned = page.FindAll("div[style*='scale(']")[1].GetAttribute("style")!;
        page.Find("[data-testid=original-drag]").PointerDown(new PointerEventArgs { Button = 2, ClientX = 100, ClientY = 100 });
        page.Find("[data-testid=original-drag]").PointerMove(new PointerEventArgs { Buttons = 2, ClientX = 130, ClientY = 80 });
        page.WaitForAssertion(() => Assert.Equal("W 170 / L 130", page.Find("[data-testid=window-level-values]").TextContent.Trim()));
        Assert.Equal(panned, page.FindAll("div[style*='scale(']")[1].GetAttribute("style"));
        page.Find("[data-testid=original-drag]").PointerMove(new PointerEventArgs { Buttons = 2, ClientX = 1000, ClientY = 1000 });
        page.WaitForAssertion(() => Assert.Equal("W 255 / L 0", page.Find("[data-testid=window-level-values]").TextContent.Trim())); // clamped
        page.Find("[data-testid=original-drag]").PointerUp(new PointerEventArgs { Button = 2 });
        page.Find("[data-testid=original-drag]").PointerMove(new PointerEventArgs { ClientX = 0, ClientY = 0 });
        Assert.Equal("W 255 / L 0", page.Find("[data-testid=window-level-values]").TextContent.Trim()); // released: no change

        // A left drag pans, until the window/level tool is chosen: then it sets window and level and does not pan.
        page.Find("[data-testid=original-drag] div").PointerDown(new PointerEventArgs { Button = 0, ClientX = 0, ClientY = 0 });
        page.Find("[data-testid=original-drag] div").PointerMove(new PointerEventArgs { Buttons = 1, ClientX = -50, ClientY = -50 });
        page.Find("[data-testid=original-drag] div").PointerUp(new PointerEventArgs());
        Assert.Equal("W 255 / L 0", page.Find("[data-testid=window-level-values]").TextContent.Trim());
        string movedByPan = page.FindAll("div[style*='scale(']")[1].GetAttribute("style")!;
        Assert.NotEqual(panned, movedByPan);
        page.Find("[data-testid=window-level-tool] input, input[data-testid=window-level-tool]").Change(true);
        page.Find("[data-testid=original-drag] div").PointerDown(new PointerEventArgs { Button = 0, ClientX = 0, ClientY = 0 });
        page.Find("[data-testid=original-drag] div").PointerMove(new PointerEventArgs { Buttons = 1, ClientX = -100, ClientY = -60 });
        page.WaitForAssertion(() => Assert.Equal("W 155 / L 60", page.Find("[data-testid=window-level-values]").TextContent.Trim()));
        Assert.Equal(movedByPan, page.FindAll("div[style*='scale(']")[1].GetAttribute("style"));

        page.Find("[data-testid=measure]").Click();
        page.WaitForAssertion(() => Assert.Contains("NPCR", page.Find("[data-testid=metrics-table]").TextContent));
    }

    [Fact]
    public async Task Staff_see_the_heat_map_over_the_protected_image_but_no_original_and_no_metrics()
    {
        StudyDetails study = await TestStudies.AnalyseAsync(_factory, TestStudies.Staff);
        AddAuthorization().SignIn("staff@medcrypt.local", Roles.Staff);
        IRenderedComponent<StudyView> page = Render<StudyView>(p => p.Add(v => v.Id, study.Id));

        Assert.Contains("Only doctors see the original image.", page.Markup);
        Assert.Empty(page.FindAll("[data-testid=security-metrics]"));
        page.FindComponent<MudBlazor.MudSwitch<bool>>().Find("input").Change(true);

        page.WaitForElement("[data-testid=heat-map]");
        Assert.Contains("mix-blend-mode:screen", page.Find("[data-testid=heat-map]").GetAttribute("style"));
    }

    [Fact]
    public async Task A_doctor_scrolls_a_series_with_the_wheel_both_panes_moving_to_the_next_stored_slice_each_view_audited()
    {
        CancellationToken ct = Xunit.TestContext.Current.CancellationToken;
        var blank = new MedCrypt.Crypto.Images.PixelImage(128, 128, MedCrypt.Crypto.Images.PixelFormat.Gray8);
        blank.Pixels.Fill(3); // the neck at a series' end: stopped by the gate, not stored
        SeriesDetails series = await TestStudies.For(_factory).AnalyseSeriesAsync(TestStudies.Staff,
            [new("s1.png", TestStudies.Scan(1)), new("s2.png", new MedCrypt.Domain.Imaging.ImageCodec().EncodePng(blank)), new("s3.png", TestStudies.Scan(3))], "block", ct);
        (Guid first, Guid third) = (series.Slices[0].Id, series.Slices[1].Id);
        Assert.Equal(3, series.Slices[1].Series!.Index);
        AddAuthorization().SignInAccount("doctor@medcrypt.local", await TestAccounts.IdAsync(_factory.Services, "doctor@medcrypt.local"), Roles.Doctor);
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        IRenderedComponent<StudyView> page = Render<StudyView>(p => p.Add(v => v.Id, first));
        page.WaitForElement("[data-testid=protected-image]");
        page.Find("[data-testid=show-original]").Click();
        page.WaitForElement("[data-testid=original-image]");
        page.FindAll("[data-testid=window-level] button").Single(b => b.TextContent.Contains("Brain", StringComparison.Ordinal)).Click();
        string firstOriginal = page.Find("[data-testid=original-image]").GetAttribute("src")!;
        Assert.Contains("Slice 1 of 3", page.Find("[data-testid=series]").TextContent);

        // Up at the first slice goes nowhere; half a notch down neither; a whole notch to the next stored slice (3: 2 was not stored).
        page.Find("[data-testid=protected-wheel]").Wheel(new WheelEventArgs { DeltaY = -120 });
        page.Find("[data-testid=protected-wheel]").Wheel(new WheelEventArgs { DeltaY = 50 });
        Assert.EndsWith("/", navigation.Uri, StringComparison.Ordinal);
        page.Find("[data-testid=protected-wheel]").Wheel(new WheelEventArgs { DeltaY = 60 });
        Assert.EndsWith($"/studies/{third:D}", navigation.Uri, StringComparison.Ordinal);

        // The router gives the page the new address: the slice opens in this circuit, the original with it, W/L kept.
        page.Render(p => p.Add(v => v.Id, third));
        page.WaitForAssertion(() => Assert.Contains("Slice 3 of 3", page.Find("[data-testid=series]").TextContent));
        page.WaitForAssertion(() => Assert.NotEqual(firstOriginal, page.Find("[data-testid=original-image]").GetAttribute("src")));
        Assert.Equal("s3.png", page.Find("h4").TextContent.Trim());
        Assert.Equal("W 140 / L 110", page.Find("[data-testid=window-level-values]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=slice-loading]"));

        string[] trail = await AuditTrail.ReadAsync(_factory, ct);
        Assert.Equal(1, trail.Count(t => t == "doctor@medcrypt.local series.open Succeeded")); // the series once, not a slice each
        await using AsyncServiceScope scope = _factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        foreach (string action in new[] { "study.open", "protected.view", "original.view" })
        {
            Assert.Equal(1, await db.AuditRecords.CountAsync(r => r.Actor == "doctor@medcrypt.local" && r.Action == action && r.Subject == StudyAccess.Subject(third), ct));
        }
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
