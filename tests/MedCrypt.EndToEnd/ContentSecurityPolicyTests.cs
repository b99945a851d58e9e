using MedCrypt.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedCrypt.EndToEnd;

/// <summary>
/// The Content-Security-Policy in a real Chromium: every main page loads and works (its circuit interactive) without a
/// single violation, and the policy is really enforced — an injected inline script is refused and reported.
/// </summary>
public sealed class ContentSecurityPolicyTests(PortalInBrowser portal) : BrowserScenario(portal)
{
    [Fact(Timeout = 300_000)]
    public Task Every_main_page_works_under_the_policy_without_a_violation() => ScenarioAsync(async () =>
    {
        // Sign-in page, dashboard, Analyse (an upload over the circuit) and the study it opens, with its protected image.
        IPage admin = await SignInAsync("admin");
        Guid id = await UploadAsync(admin, "csp-phantom.png", HeadPhantom.Png());
        Assert.True(await LoadedWidthAsync(admin.GetByTestId("protected-pane").Locator("img")) > 0);

        foreach ((string path, string heading) in new[]
        {
            ("/", "MedCrypt"), ("/history", "Prediction history"), ("/audit", "Audit log"), ("/admin/users", "Users"),
            ("/admin/keys", "Keys"), ("/admin/system", "System"),
        })
        {
            await admin.GotoAsync(path);
            await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true, Level = 4 })).ToBeVisibleAsync();
            await WaitForCircuitAsync(admin);
        }

        // The account pages are plain server-rendered form pages (it changes cookies): no circuit, and for an account
        // not enrolled yet (staff may enrol; the demo admin comes enrolled) a data: QR code.
        IPage staff = await SignInAsync("staff");
        await staff.GotoAsync("/account/two-factor");
        await Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Two-factor sign-in", Exact = true, Level = 4 })).ToBeVisibleAsync();
        Assert.True(await LoadedWidthAsync(staff.GetByTestId("authenticator-qr")) > 0);

        // Interactive: the audit log verifies its chain over the circuit; the history grid loads its rows.
        await admin.GotoAsync("/audit");
        await WaitForInteractiveAsync(admin, "verify");
        await admin.GetByTestId("verify").ClickAsync();
        await Expect(admin.GetByTestId("verify-result")).ToContainTextAsync("nothing was altered");
        await admin.GotoAsync("/history");
        await Expect(admin.GetByTestId("history-grid").Locator("tbody tr").Filter(new() { HasText = "csp-phantom.png" }).First).ToBeVisibleAsync();

        // A doctor opens the original beside the protected image (both data: URLs).
        IPage doctor = await SignInAsync("doctor", $"/studies/{id:D}");
        await WaitForInteractiveAsync(doctor, "show-original");
        await doctor.GetByTestId("show-original").ClickAsync();
        Assert.Equal(HeadPhantom.Width, await LoadedWidthAsync(doctor.GetByTestId("original-image")));

        Assert.Empty(PolicyViolations);

        // The policy is enforced and the watch sees it: an inline script injected into the page does not run and is reported.
        await doctor.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.appendChild(s); }");
        for (int i = 0; i < 50 && PolicyViolations.Count == 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.False(await doctor.EvaluateAsync<bool>("() => window.injected === true"));
        Assert.Contains(PolicyViolations, v => v.Contains("script-src", StringComparison.Ordinal));
    });

    [Fact(Timeout = 180_000)]
    public Task A_scan_over_the_pixel_budget_is_refused_on_the_analyse_page_with_a_clear_message() => ScenarioAsync(async () =>
    {
        IPage staff = await SignInAsync("staff", "/analyse");
        await WaitForInteractiveAsync(staff, "file");
        await staff.GetByTestId("file").SetInputFilesAsync(new FilePayload { Name = "review-4096.png", MimeType = "image/png", Buffer = OversizedPng.Create() });
        ILocator analyse = staff.GetByTestId("analyse");
        await Expect(analyse).ToBeEnabledAsync();
        await analyse.ClickAsync();

        await Expect(staff.GetByTestId("error")).ToContainTextAsync("The image is 4096 × 4096 pixels (16.8 megapixels); MedCrypt analyses at most 4.2 megapixels a scan.");
        Assert.EndsWith("/analyse", staff.Url, StringComparison.Ordinal);
        Assert.Empty(PolicyViolations);
    });
}
