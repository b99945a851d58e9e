using System.Text.RegularExpressions;
using MedCrypt.Domain.Access;
using MedCrypt.Portal.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedCrypt.EndToEnd;

/// <summary>An administrator's work in a real browser: a new colleague's account, who then enrols an authenticator and needs it to sign in.</summary>
public sealed class AdministrationScenarioTests(PortalInBrowser portal) : BrowserScenario(portal)
{
    private const string InitialPassword = "New-Colleague-2026!";

    [Fact(Timeout = 180_000)]
    public Task An_administrator_creates_a_doctor_who_enrols_an_authenticator_and_then_needs_it_to_sign_in() => ScenarioAsync(async () =>
    {
        string email = $"doctor-{Guid.NewGuid():N}@medcrypt.local";
        IPage admin = await SignInAsync("admin", "/admin/users");
        await WaitForInteractiveAsync(admin, "create-user");
        await admin.Locator("[data-testid=new-email] input, input[data-testid=new-email]").First.FillAsync(email);
        await admin.Locator("[data-testid=new-password] input, input[data-testid=new-password]").First.FillAsync(InitialPassword);
        await admin.Locator(".mud-paper", new() { HasText = "New user" }).GetByText("Doctor", new() { Exact = true }).ClickAsync();
        await admin.GetByTestId("create-user").ClickAsync();
        await Expect(admin.GetByTestId("users-table")).ToContainTextAsync(email);

        // Doctor is a privileged role: the account waits for a second administrator, who confirms it on the same page.
        ILocator pending = admin.GetByTestId("pending-role-changes").Locator("tr", new() { HasText = email });
        await Expect(pending.GetByTestId("pending-waiting")).ToBeVisibleAsync();
        string second = $"admin-{Guid.NewGuid():N}@medcrypt.local";
        await CreateAdministratorAsync(second);
        IPage other = await OpenAsync("/admin/users");
        await SubmitCredentialsAsync(other, second);
        await SubmitCodeAsync(other, PortalFactory.DemoAuthenticatorKey);
        await WaitForInteractiveAsync(other, "create-user");
        await other.GetByTestId("pending-role-changes").Locator("tr", new() { HasText = email }).GetByTestId("pending-confirm").ClickAsync();
        await Expect(other.GetByTestId("pending-role-changes").Locator("tr", new() { HasText = email })).ToHaveCountAsync(0);

        // The new doctor signs in with the initial password and, asking for the dashboard, is sent to enrol an authenticator.
        IPage doctor = await OpenAsync("/");
        await SubmitCredentialsAsync(doctor, email);
        await Expect(doctor.GetByTestId("signed-in-as")).ToHaveTextAsync(email);
        await Expect(doctor).ToHaveURLAsync(new Regex("/account/two-factor$"));
        await Expect(doctor.GetByTestId("two-factor-reminder")).ToBeVisibleAsync();
        string key = await doctor.GetByTestId("shared-key").InnerTextAsync();
        await doctor.Locator("#enable-code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
        await Expect(doctor.GetByTestId("two-factor-state")).ToContainTextAsync("On:");
        await Expect(doctor.GetByTestId("recovery-codes")).ToBeVisibleAsync();

        // Signed out, the password alone no longer signs the doctor in: the authenticator's code does.
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await Expect(doctor).ToHaveURLAsync(LoginUrl());
        await SubmitCredentialsAsync(doctor, email);
        await Expect(doctor).ToHaveURLAsync(new Regex("/account/login-2fa"));
        await Expect(doctor.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
        await SubmitCodeAsync(doctor, key);
        await Expect(doctor.GetByTestId("signed-in-as")).ToHaveTextAsync(email);

        // A doctor, not an administrator.
        await doctor.GotoAsync("/admin/users");
        await Expect(doctor).ToHaveURLAsync(new Regex("/account/denied"));
    });

    /// <summary>
    /// A second administrator, made as an installation's bootstrap would make one (not through the approval it takes
    /// part in), already enrolled with the demo authenticator key: an administrator without one may do nothing.
    /// </summary>
    private Task CreateAdministratorAsync(string email) =>
        TestAccounts.CreateAsync(PortalServices, email, InitialPassword, Roles.Admin, PortalFactory.DemoAuthenticatorKey);

    private static async Task SubmitCredentialsAsync(IPage page, string email)
    {
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(InitialPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
