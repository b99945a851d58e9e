using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Domain.Access;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Stolen or stale credentials, tried the way an attacker would keep trying them: a token and a cookie issued before a
/// lock, a role change, a password change or "sign out everywhere" stop working within the revocation interval
/// (one second here, 30 s by default); a refresh token works once; decrypting an original asks the account as it is now.
/// </summary>
public sealed class RevocationTests
{
    private const string Doctor = "doctor@medcrypt.local";

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_lock_ends_the_doctors_token_and_cookie_within_the_interval(string provider)
    {
        using PortalFactory factory = Quick(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        Guid study = (await TestStudies.AnalyseAsync(factory, TestStudies.Staff)).Id;
        HttpClient doctor = await Api.SignedInAsync(factory, Doctor);
        HttpClient page = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(page, Doctor, PortalFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, (await doctor.GetAsync($"/api/v1/studies/{study}/image/original", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/", ct)).StatusCode);

        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/admin/users/{await TestAccounts.IdAsync(factory.Services, Doctor)}/lock", null, ct)).StatusCode);
        await Task.Delay(Interval, ct);

        HttpResponseMessage stale = await doctor.GetAsync($"/api/v1/studies/{study}/image/protected", ct);
        await Api.AssertProblemAsync(stale, HttpStatusCode.Unauthorized);
        Assert.Contains("Sign in again", await stale.Content.ReadAsStringAsync(ct));
        HttpResponseMessage cookie = await page.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.Redirect, cookie.StatusCode);
        Assert.Contains("/account/login", cookie.Headers.Location?.OriginalString);
        Assert.Contains($"{Doctor} session.revoked Denied", await AuditTrail.ReadAsync(factory, ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_role_removed_on_another_instance_refuses_the_original_at_once(string provider)
    {
        // Two instances of one deployment, a long interval: the token's check on the first is cached (the demotion
        // happens on the second, which cannot drop the first's cache); the original's check is not.
        using PortalFactory first = PortalFactory.Create(provider);
        first.Settings["Revocation:CheckSeconds"] = "60";
        CancellationToken ct = TestContext.Current.CancellationToken;
        Guid study = (await TestStudies.AnalyseAsync(first, TestStudies.Staff)).Id;
        HttpClient doctor = await Api.SignedInAsync(first, Doctor);
        Assert.Equal(HttpStatusCode.OK, (await doctor.GetAsync($"/api/v1/studies/{study}/image/original", ct)).StatusCode);

        using var second = new PortalFactory(first);
        HttpClient admin = await Api.SignedInAsync(second, "admin@medcrypt.local");
        HttpResponseMessage demoted = await admin.PutAsJsonAsync($"/api/v1/admin/users/{await TestAccounts.IdAsync(second.Services, Doctor)}/roles", new { roles = new[] { Roles.Staff } }, ct);
        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);

        // Within the cached minute the first instance still takes the token for the protected image; not for the original.
        Assert.Equal(HttpStatusCode.OK, (await doctor.GetAsync($"/api/v1/studies/{study}/image/protected", ct)).StatusCode);
        await Api.AssertProblemAsync(await doctor.GetAsync($"/api/v1/studies/{study}/image/original", ct), HttpStatusCode.Forbidden);
        Assert.Contains($"{Doctor} original.view Denied", await AuditTrail.ReadAsync(first, ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_lock_on_this_instance_bites_at_once_and_a_replayed_token_is_one_audit_entry(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        factory.Settings["Revocation:CheckSeconds"] = "60";
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient doctor = await Api.SignedInAsync(factory, Doctor);
        Assert.Equal(HttpStatusCode.OK, (await doctor.GetAsync("/api/v1/schemes", ct)).StatusCode); // cached for a minute

        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/admin/users/{await TestAccounts.IdAsync(factory.Services, Doctor)}/lock", null, ct)).StatusCode);
        for (int i = 0; i < 20; i++)
        {
            await Api.AssertProblemAsync(await doctor.GetAsync("/api/v1/schemes", ct), HttpStatusCode.Unauthorized);
        }

        Assert.Single(await AuditTrail.ReadAsync(factory, ct), e => e == $"{Doctor} session.revoked Denied");
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Racing_refreshes_and_sign_ins_never_answer_500_and_a_raced_refresh_token_wins_once(string provider)
    {
        using PortalFactory factory = Quick(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpResponseMessage[] logins = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login",
            new { email = "staff@medcrypt.local", password = PortalFactory.DemoPassword }, ct)));
        Assert.All(logins, l => Assert.Equal(HttpStatusCode.OK, l.StatusCode));

        string refresh = (await logins[0].Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("refreshToken").GetString()!;
        HttpResponseMessage[] raced = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => factory.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refresh }, ct)));
        Assert.All(raced, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized }));
        Assert.True(raced.Count(r => r.StatusCode == HttpStatusCode.OK) <= 1);

        // A blank two-factor field is a missing one (401, saying so), not a 500.
        HttpResponseMessage blank = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login",
            new { email = Doctor, password = PortalFactory.DemoPassword, twoFactorRecoveryCode = "   " }, ct);
        await Api.AssertProblemAsync(blank, HttpStatusCode.Unauthorized);
        Assert.Contains("twoFactorRequired", await blank.Content.ReadAsStringAsync(ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Sign_out_everywhere_ends_every_token_cookie_and_refresh_token(string provider)
    {
        using PortalFactory factory = Quick(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        (HttpClient first, string firstRefresh) = await TokensAsync(factory, Doctor, ct);
        (HttpClient second, _) = await TokensAsync(factory, Doctor, ct);
        HttpClient page = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(page, Doctor, PortalFactory.DemoPassword);

        Assert.Equal(HttpStatusCode.NoContent, (await second.PostAsync("/api/v1/auth/sign-out-everywhere", null, ct)).StatusCode);
        await Task.Delay(Interval, ct);

        await Api.AssertProblemAsync(await first.GetAsync("/api/v1/schemes", ct), HttpStatusCode.Unauthorized);
        await Api.AssertProblemAsync(await second.GetAsync("/api/v1/schemes", ct), HttpStatusCode.Unauthorized);
        await Api.AssertProblemAsync(await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = firstRefresh }, ct), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Redirect, (await page.GetAsync("/", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await TokensAsync(factory, Doctor, ct)).Client.GetAsync("/api/v1/schemes", ct)).StatusCode); // signing in again works
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_refresh_token_works_once_and_a_replayed_one_closes_the_session(string provider)
    {
        using PortalFactory factory = Quick(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient anonymous = factory.CreateClient();
        (HttpClient original, string refresh) = await TokensAsync(factory, Doctor, ct);

        HttpResponseMessage rotated = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refresh }, ct);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        JsonElement next = await rotated.Content.ReadFromJsonAsync<JsonElement>(ct);
        string nextRefresh = next.GetProperty("refreshToken").GetString()!;
        Assert.NotEqual(refresh, nextRefresh);
        Assert.InRange(next.GetProperty("expiresIn").GetInt32(), 1, 15 * 60);
        HttpClient refreshed = Bearer(factory, next.GetProperty("accessToken").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await refreshed.GetAsync("/api/v1/schemes", ct)).StatusCode);

        // The first refresh token again, as whoever copied it would use it: refused, and the whole session closes.
        await Api.AssertProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refresh }, ct), HttpStatusCode.Unauthorized);
        await Api.AssertProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = nextRefresh }, ct), HttpStatusCode.Unauthorized);
        await Task.Delay(Interval, ct);
        await Api.AssertProblemAsync(await refreshed.GetAsync("/api/v1/schemes", ct), HttpStatusCode.Unauthorized);
        await Api.AssertProblemAsync(await original.GetAsync("/api/v1/schemes", ct), HttpStatusCode.Unauthorized);
        Assert.Contains($"{Doctor} token.refresh Denied", await AuditTrail.ReadAsync(factory, ct));

        await Api.AssertProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "not-a-token" }, ct), HttpStatusCode.Unauthorized);
        await Api.AssertProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { }, ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_password_change_ends_the_other_sessions_and_keeps_this_one()
    {
        using PortalFactory factory = Quick("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient token = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        HttpClient page = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(page, "staff@medcrypt.local", PortalFactory.DemoPassword);
        string account = await page.GetStringAsync("/account/password", ct);
        string changed = await AccountPages.PostAsync(page, "/account/password", account, "change-password",
            ("Input.Current", PortalFactory.DemoPassword), ("Input.New", "Another-Password-2027!"), ("Input.Confirm", "Another-Password-2027!"));
        Assert.Contains("Your password was changed.", changed);
        await Task.Delay(Interval, ct);

        await Api.AssertProblemAsync(await token.GetAsync("/api/v1/schemes", ct), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/", ct)).StatusCode);
    }

    [Fact]
    public void The_settings_refuse_intervals_beyond_what_the_security_review_accepted()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        factory.Settings["Revocation:AccessTokenMinutes"] = "60";
        Assert.Contains("AccessTokenMinutes", Assert.ThrowsAny<Exception>(() => factory.Services).ToString(), StringComparison.Ordinal);
    }

    /// <summary>Longer than the one-second interval <see cref="Quick"/> sets, so every cached check has expired.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(1300);

    private static PortalFactory Quick(string provider)
    {
        PortalFactory factory = PortalFactory.Create(provider);
        factory.Settings["Revocation:CheckSeconds"] = "1";
        return factory;
    }

    private static async Task<(HttpClient Client, string RefreshToken)> TokensAsync(PortalFactory factory, string email, CancellationToken ct)
    {
        HttpResponseMessage login = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login",
            new { email, password = PortalFactory.DemoPassword, twoFactorCode = Totp.Code(PortalFactory.DemoAuthenticatorKey, DateTimeOffset.UtcNow) }, ct);
        login.EnsureSuccessStatusCode();
        JsonElement tokens = await login.Content.ReadFromJsonAsync<JsonElement>(ct);
        return (Bearer(factory, tokens.GetProperty("accessToken").GetString()!), tokens.GetProperty("refreshToken").GetString()!);
    }

    private static HttpClient Bearer(PortalFactory factory, string token)
    {
        HttpClient client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
