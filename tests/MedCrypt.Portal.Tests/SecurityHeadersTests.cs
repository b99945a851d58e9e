using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Portal.Extensions;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// The headers on what the portal answers, over real HTTP: the CSP, nosniff, no referrer and no framing everywhere;
/// no-store on pages, API answers, images and CSV exports (all may carry patient data); static files keep their caching.
/// </summary>
public sealed class SecurityHeadersTests
{
    [Fact]
    public async Task Pages_api_answers_images_and_exports_carry_the_policy_and_are_never_stored()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        HttpClient doctor = await Api.SignedInAsync(factory, "doctor@medcrypt.local");
        HttpClient auditor = await Api.SignedInAsync(factory, "auditor@medcrypt.local");
        HttpResponseMessage created = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct);
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        HttpClient browser = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(browser, "doctor@medcrypt.local", PortalFactory.DemoPassword);

        (string What, HttpClient Client, string Path, HttpStatusCode Status)[] answers =
        [
            ("sign-in page", factory.CreateClient(), "/account/login", HttpStatusCode.OK),
            ("dashboard", browser, "/", HttpStatusCode.OK),
            ("study page", browser, $"/studies/{id}", HttpStatusCode.OK),
            ("history page", browser, "/history", HttpStatusCode.OK),
            ("history export", browser, "/history/export.csv", HttpStatusCode.OK),
            ("anonymous redirect", factory.CreateClient(new() { AllowAutoRedirect = false }), "/history", HttpStatusCode.Redirect),
            ("API 401", factory.CreateClient(), "/api/v1/schemes", HttpStatusCode.Unauthorized),
            ("schemes", staff, "/api/v1/schemes", HttpStatusCode.OK),
            ("study", staff, $"/api/v1/studies/{id}", HttpStatusCode.OK),
            ("protected image", staff, $"/api/v1/studies/{id}/image/protected", HttpStatusCode.OK),
            ("original image", doctor, $"/api/v1/studies/{id}/image/original", HttpStatusCode.OK),
            ("original refused", staff, $"/api/v1/studies/{id}/image/original", HttpStatusCode.Forbidden),
            ("predictions", auditor, "/api/v1/predictions", HttpStatusCode.OK),
            ("predictions CSV", auditor, "/api/v1/predictions.csv", HttpStatusCode.OK),
            ("audit", auditor, "/api/v1/audit", HttpStatusCode.OK),
            ("health", factory.CreateClient(), "/health", HttpStatusCode.OK),
        ];
        foreach ((string what, HttpClient client, string path, HttpStatusCode status) in answers)
        {
            HttpResponseMessage response = await client.GetAsync(path, ct);
            Assert.True(status == response.StatusCode, $"{what}: expected {(int)status}, got {(int)response.StatusCode}");
            AssertSecurityHeaders(response, what);
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
        }
    }

    [Fact]
    public async Task Static_files_carry_the_policy_and_keep_their_caching()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient client = factory.CreateClient();

        foreach (string path in new[] { "/_framework/blazor.web.js", "/_content/MudBlazor/MudBlazor.min.css" })
        {
            HttpResponseMessage response = await client.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertSecurityHeaders(response, path);
            Assert.False(response.Headers.CacheControl?.NoStore ?? false, $"{path}: {response.Headers.CacheControl}");
        }
    }

    [Fact]
    public void The_policy_allows_scripts_only_from_the_portal_and_no_framing()
    {
        Dictionary<string, string> directives = SecurityHeadersExtensions.ContentSecurityPolicy.Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d[(d.IndexOf(' ', StringComparison.Ordinal) + 1)..]);

        Assert.Equal("'self'", directives["script-src"]);
        Assert.Equal("'self'", directives["default-src"]);
        Assert.Equal("'self' data:", directives["img-src"]);
        Assert.Equal("'self'", directives["connect-src"]);
        Assert.Equal("'none'", directives["frame-ancestors"]);
        Assert.Equal("'none'", directives["object-src"]);
        Assert.Equal("'self'", directives["base-uri"]);
        Assert.Equal("'self'", directives["form-action"]);
        Assert.DoesNotContain("unsafe-eval", SecurityHeadersExtensions.ContentSecurityPolicy);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out IEnumerable<string>? policies), $"{what}: no CSP");
        Assert.Equal([SecurityHeadersExtensions.ContentSecurityPolicy], policies); // one policy, not the framework's as well
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));
        Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
    }
}
