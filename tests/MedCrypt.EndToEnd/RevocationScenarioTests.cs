using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Domain.Access;
using MedCrypt.Portal.Tests;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedCrypt.EndToEnd;

/// <summary>
/// Revocation seen from a tab that stays open: the circuit revalidates (every 2 s on this portal, 30 s by default), so
/// a doctor whose account an administrator locks is sent to the sign-in page without touching the tab, and cannot
/// come back with the same browser.
/// </summary>
public sealed class RevocationScenarioTests(PortalInBrowser portal) : BrowserScenario(portal)
{
    [Fact(Timeout = 180_000)]
    public Task An_open_tab_loses_access_when_the_account_is_locked() => ScenarioAsync(async () =>
    {
        // A doctor of its own: the shared demo accounts must stay usable for the other scenarios.
        string email = $"doctor-{Guid.NewGuid():N}@medcrypt.local";
        IdentityUser account = await TestAccounts.CreateAsync(PortalServices, email, PortalFactory.DemoPassword, Roles.Doctor, PortalFactory.DemoAuthenticatorKey);
        IPage doctor = await OpenAsync("/history");
        await Expect(doctor).ToHaveURLAsync(LoginUrl());
        await doctor.Locator("#email").FillAsync(email);
        await doctor.Locator("#password").FillAsync(PortalFactory.DemoPassword);
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await SubmitCodeAsync(doctor, PortalFactory.DemoAuthenticatorKey);
        await Expect(doctor.GetByTestId("signed-in-as")).ToHaveTextAsync(email);
        await WaitForCircuitAsync(doctor);

        // An administrator locks the account through the API, as a hospital's identity system would.
        using HttpClient admin = new() { BaseAddress = PortalAddress };
        HttpResponseMessage login = await admin.PostAsJsonAsync("/api/v1/auth/login",
            new { email = "admin@medcrypt.local", password = PortalFactory.DemoPassword, twoFactorCode = Totp.Code(PortalFactory.DemoAuthenticatorKey, DateTimeOffset.UtcNow) });
        login.EnsureSuccessStatusCode();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        (await admin.PostAsync($"/api/v1/admin/users/{account.Id}/lock", null)).EnsureSuccessStatusCode();

        // The tab, untouched, is signed out within the interval (and a page load with the old cookie too).
        await Expect(doctor).ToHaveURLAsync(LoginUrl(), new() { Timeout = 15_000 });
        await Expect(doctor.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
        await doctor.GotoAsync("/history");
        await Expect(doctor).ToHaveURLAsync(LoginUrl());
    });
}
