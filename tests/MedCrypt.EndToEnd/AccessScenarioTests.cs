using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedCrypt.EndToEnd;

/// <summary>Signing in and out in a real browser: every page asks a visitor to sign in, and signing out ends the session.</summary>
public sealed class AccessScenarioTests(PortalInBrowser portal) : BrowserScenario(portal)
{
    [Fact(Timeout = 180_000)]
    public Task Anonymous_visitors_are_sent_to_sign_in_and_brought_back_afterwards() => ScenarioAsync(async () =>
    {
        IPage visitor = await OpenAsync();
        await Expect(visitor).ToHaveURLAsync(LoginUrl());
        foreach (string path in new[] { "/audit", $"/studies/{Guid.NewGuid():D}", "/analyse" })
        {
            await visitor.GotoAsync(path);
            await Expect(visitor).ToHaveURLAsync(new Regex($"/account/login\\?ReturnUrl={Regex.Escape(Uri.EscapeDataString(path))}$", RegexOptions.IgnoreCase));
            await Expect(visitor.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
        }

        await SubmitLoginAsync(visitor, "staff");
        await Expect(visitor).ToHaveURLAsync(new Regex("/analyse$"));
        await Expect(visitor.GetByTestId("file")).ToBeVisibleAsync();
    });

    [Fact(Timeout = 180_000)]
    public Task A_wrong_password_is_refused_on_the_login_page() => ScenarioAsync(async () =>
    {
        IPage visitor = await OpenAsync("/account/login");
        await visitor.Locator("#email").FillAsync(Email("doctor"));
        await visitor.Locator("#password").FillAsync("not-the-password");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(visitor.GetByTestId("login-error")).ToContainTextAsync("The email or password is wrong.");
        await Expect(visitor).ToHaveURLAsync(LoginUrl());
        await Expect(visitor.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
    });

    [Fact(Timeout = 180_000)]
    public Task Signing_out_ends_the_session() => ScenarioAsync(async () =>
    {
        IPage doctor = await SignInAsync("doctor");

        await doctor.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();

        await Expect(doctor).ToHaveURLAsync(LoginUrl());
        await Expect(doctor.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
        Assert.DoesNotContain(await doctor.Context.CookiesAsync(), c => c.Name.Contains("Identity", StringComparison.Ordinal));
        await doctor.GotoAsync("/analyse");
        await Expect(doctor).ToHaveURLAsync(LoginUrl());
    });
}
