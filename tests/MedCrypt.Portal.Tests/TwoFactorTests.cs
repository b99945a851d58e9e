using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Domain.Access;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Two-factor sign-in through the real portal: a doctor enrols an authenticator on /account/two-factor with a code computed here
/// from the shared key (RFC 6238), after which the pages and the API ask for a code and refuse a wrong one.
/// </summary>
public sealed class TwoFactorTests
{
    private const string Doctor = "new-doctor@medcrypt.local"; // not enrolled yet, unlike the demo doctor

    [Fact]
    public async Task An_administrator_on_a_password_alone_is_sent_to_enrol_from_every_admin_page()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        const string admin = "new-admin@medcrypt.local";
        await TestAccounts.CreateAsync(factory.Services, admin, PortalFactory.DemoPassword, Roles.Admin, authenticatorKey: null);
        HttpClient enrolling = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(enrolling, admin, PortalFactory.DemoPassword);

        // Each administrators' page has its own permission and the shared Administer policy (any administration
        // permission): both are the one permission requirement, so the missing factor is named and the account enrols.
        foreach (string page in new[] { "/admin/system", "/admin/users", "/admin/keys" })
        {
            HttpResponseMessage sent = await enrolling.GetAsync(page, ct);
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            Assert.Equal("/account/two-factor", sent.Headers.Location?.OriginalString);
        }
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task After_enrolment_sign_in_needs_the_authenticator_code(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;

        await TestAccounts.CreateAsync(factory.Services, Doctor, PortalFactory.DemoPassword, Roles.Doctor, authenticatorKey: null);

        // On a password alone a doctor reaches the enrolment page and nothing else; the API gives no token.
        HttpClient enrolling = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(enrolling, Doctor, PortalFactory.DemoPassword);
        foreach (string page in new[] { "/", "/history", "/analyse" })
        {
            HttpResponseMessage sent = await enrolling.GetAsync(page, ct);
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            Assert.Equal("/account/two-factor", sent.Headers.Location?.OriginalString);
        }

        HttpResponseMessage passwordOnly = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = Doctor, password = PortalFactory.DemoPassword }, ct);
        await Api.AssertProblemAsync(passwordOnly, HttpStatusCode.Forbidden);
        JsonElement enrolFirst = await passwordOnly.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(enrolFirst.GetProperty("twoFactorRequired").GetBoolean());
        Assert.Contains("enrol an authenticator", enrolFirst.GetProperty("detail").GetString());
        Assert.DoesNotContain("accessToken", enrolFirst.ToString());

        // Enrol.
        string account = await enrolling.GetStringAsync("/account/two-factor", ct);
        Assert.Contains("data-testid=\"two-factor-reminder\"", account);
        Assert.Contains("data:image/png;base64,", account);
        string sharedKey = WebUtility.HtmlDecode(AccountPages.SharedKey().Match(account).Groups[1].Value);
        string code = Totp.Code(sharedKey, DateTimeOffset.UtcNow);

        string refused = await AccountPages.PostAsync(enrolling, "/account/two-factor", account, "enable-2fa", ("Enable.Code", Wrong(code)));
        Assert.Contains("That code is wrong", refused);
        string enabled = await AccountPages.PostAsync(enrolling, "/account/two-factor", refused, "enable-2fa", ("Enable.Code", code));
        Assert.Contains("Two-factor sign-in is on.", enabled);
        Assert.DoesNotContain("data-testid=\"two-factor-reminder\"", enabled);
        string[] recoveryCodes = WebUtility.HtmlDecode(AccountPages.RecoveryCodes().Match(enabled).Groups[1].Value).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, recoveryCodes.Length);
        Assert.DoesNotContain("data-testid=\"recovery-codes\"", await enrolling.GetStringAsync("/account/two-factor", ct)); // shown once
        Assert.Equal(HttpStatusCode.OK, (await enrolling.GetAsync("/", ct)).StatusCode); // the code just checked counts as this session's second factor

        // The password alone no longer signs in: the second step asks for the code.
        HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });
        HttpResponseMessage password = await FormSignIn.SignInAsync(client, Doctor, PortalFactory.DemoPassword, authenticatorKey: null);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        string secondStep = new Uri(new Uri("http://localhost"), password.Headers.Location!).PathAndQuery;
        Assert.StartsWith("/account/login-2fa", secondStep);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", ct)).StatusCode); // not signed in yet
        string step = await client.GetStringAsync(secondStep, ct);
        string wrong = await AccountPages.PostAsync(client, "/account/login-2fa", step, "login-2fa", ("Input.Code", Wrong(code)));
        Assert.Contains("The code is wrong", wrong);
        HttpResponseMessage right = await AccountPages.PostRawAsync(client, "/account/login-2fa", wrong, "login-2fa", ("Input.Code", Totp.Code(sharedKey, DateTimeOffset.UtcNow)));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Contains(Doctor, await client.GetStringAsync("/", ct));

        // A recovery code works once.
        HttpClient recovering = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(recovering, Doctor, PortalFactory.DemoPassword, authenticatorKey: null);
        string recoveryStep = await recovering.GetStringAsync("/account/login-2fa", ct);
        Assert.Equal(HttpStatusCode.Redirect, (await AccountPages.PostRawAsync(recovering, "/account/login-2fa", recoveryStep, "login-2fa", ("Input.Code", recoveryCodes[0]))).StatusCode);
        HttpClient again = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(again, Doctor, PortalFactory.DemoPassword, authenticatorKey: null);
        Assert.Contains("The code is wrong", await AccountPages.PostAsync(again, "/account/login-2fa", await again.GetStringAsync("/account/login-2fa", ct), "login-2fa", ("Input.Code", recoveryCodes[0])));

        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Contains($"{Doctor} two-factor.enable Denied", trail);
        Assert.Contains($"{Doctor} two-factor.enable Succeeded", trail);
        Assert.Contains($"{Doctor} sign-in Denied", trail);
        Assert.Contains($"{Doctor} sign-in Succeeded", trail);

        // The API: no code, a clear 401 problem; a wrong code, 401; the right one, a token.
        HttpClient api = factory.CreateClient();
        HttpResponseMessage noCode = await api.PostAsJsonAsync("/api/v1/auth/login", new { email = Doctor, password = PortalFactory.DemoPassword }, ct);
        await Api.AssertProblemAsync(noCode, HttpStatusCode.Unauthorized);
        JsonElement problem = await noCode.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Contains("twoFactorCode", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("twoFactorRequired").GetBoolean());
        string now = Totp.Code(sharedKey, DateTimeOffset.UtcNow);
        await Api.AssertProblemAsync(
            await api.PostAsJsonAsync("/api/v1/auth/login", new { email = Doctor, password = PortalFactory.DemoPassword, twoFactorCode = Wrong(now) }, ct), HttpStatusCode.Unauthorized);
        HttpResponseMessage token = await api.PostAsJsonAsync("/api/v1/auth/login", new { email = Doctor, password = PortalFactory.DemoPassword, twoFactorCode = now }, ct);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.False(string.IsNullOrEmpty((await token.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()));
    }

    [Fact]
    public async Task Changing_the_password_keeps_the_session_and_the_policy_refuses_a_weak_one()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(client, "staff@medcrypt.local", PortalFactory.DemoPassword);
        string overview = await client.GetStringAsync("/account", ct);
        Assert.Contains("staff@medcrypt.local", overview);
        Assert.DoesNotContain("data-testid=\"two-factor-reminder\"", overview); // staff are not asked to enrol
        string account = await client.GetStringAsync("/account/password", ct);

        string weak = await AccountPages.PostAsync(client, "/account/password", account, "change-password",
            ("Input.Current", PortalFactory.DemoPassword), ("Input.New", "aaaaaaaaaaaa"), ("Input.Confirm", "aaaaaaaaaaaa"));
        Assert.Contains("account-message", weak);
        Assert.DoesNotContain("Your password was changed.", weak);

        const string NewPassword = "Another-Password-2027!";
        string changed = await AccountPages.PostAsync(client, "/account/password", weak, "change-password",
            ("Input.Current", PortalFactory.DemoPassword), ("Input.New", NewPassword), ("Input.Confirm", NewPassword));
        Assert.Contains("Your password was changed.", changed);
        Assert.Contains("staff@medcrypt.local", await client.GetStringAsync("/", ct));

        HttpClient other = factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Contains("email or password is wrong", await (await FormSignIn.SignInAsync(other, "staff@medcrypt.local", PortalFactory.DemoPassword)).Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.Redirect, (await FormSignIn.SignInAsync(other, "staff@medcrypt.local", NewPassword)).StatusCode);
    }

    [Fact]
    public async Task Wrong_current_passwords_on_the_account_pages_lock_the_account_and_end_the_session()
    {
        // A stolen cookie is not unlimited guesses at the password behind it.
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(client, "staff@medcrypt.local", PortalFactory.DemoPassword);
        string page = await client.GetStringAsync("/account/password", ct);
        HttpResponseMessage last = new(HttpStatusCode.OK);
        for (int i = 0; i < 5 && last.StatusCode == HttpStatusCode.OK; i++)
        {
            last = await AccountPages.PostRawAsync(client, "/account/password", page, "change-password",
                ("Input.Current", $"Guess-{i}-Password-2026!"), ("Input.New", "Another-Password-2027!"), ("Input.Confirm", "Another-Password-2027!"));
            page = last.StatusCode == HttpStatusCode.OK ? await last.Content.ReadAsStringAsync(ct) : page;
        }

        Assert.Equal(HttpStatusCode.Redirect, last.StatusCode); // the fifth wrong one locks the account and signs out
        Assert.Contains("/account/login", last.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", ct)).StatusCode);
        Assert.Contains("locked", await (await FormSignIn.SignInAsync(factory.CreateClient(new() { AllowAutoRedirect = false }), "staff@medcrypt.local", PortalFactory.DemoPassword)).Content.ReadAsStringAsync(ct));
    }

    private static string Wrong(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 500_000) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}
