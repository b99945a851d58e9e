using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedCrypt.EndToEnd;

/// <summary>The Home page's live list of recent analyses, watched from a second browser while someone else uploads.</summary>
public sealed class LiveDashboardTests(PortalInBrowser portal) : BrowserScenario(portal)
{
    [Fact(Timeout = 180_000)]
    public async Task A_new_analysis_appears_on_an_open_home_page_without_reloading_it()
    {
        IPage doctor = await SignInAsync("doctor");
        await ScenarioAsync(async () =>
        {
            ILocator recent = doctor.GetByTestId("recent-analyses");
            await doctor.EvaluateAsync("() => window.medcryptNotReloaded = true");
            string fileName = $"phantom-live-{Guid.NewGuid():N}.png";

            IPage staff = await SignInAsync("staff");
            Guid id = await UploadAsync(staff, fileName, HeadPhantom.Png());

            await Expect(recent).ToContainTextAsync(new Regex($"{Regex.Escape(fileName)}|{id:D}"));
            Assert.True(await doctor.EvaluateAsync<bool>("() => window.medcryptNotReloaded === true"), "The home page was reloaded: the list did not update live.");
        }, nameof(A_new_analysis_appears_on_an_open_home_page_without_reloading_it));
    }
}
