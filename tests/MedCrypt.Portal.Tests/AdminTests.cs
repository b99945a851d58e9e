using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MedCrypt.Portal.Tests;

/// <summary>The admin pages and the admin API through the real portal: administrators only, everyone else refused.</summary>
public sealed class AdminTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Only_administrators_reach_the_admin_api(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;

        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/v1/admin/keys", ct)).StatusCode);
        foreach (string role in new[] { "staff", "doctor", "auditor" })
        {
            HttpClient client = await Api.SignedInAsync(factory, $"{role}@medcrypt.local");
            await Api.AssertProblemAsync(await client.GetAsync("/api/v1/admin/keys", ct), HttpStatusCode.Forbidden);
            await Api.AssertProblemAsync(await client.PostAsync("/api/v1/admin/keys/master/rotate", null, ct), HttpStatusCode.Forbidden);
        }

        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        var file = new ByteArrayContent(TestStudies.ScanWithPixels(0).Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsync("/api/v1/studies", new MultipartFormDataContent { { file, "file", "scan.png" } }, ct)).StatusCode);

        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        HttpResponseMessage rotated = await admin.PostAsync("/api/v1/admin/keys/master/rotate", null, ct);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        JsonElement report = await rotated.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(1, report.GetProperty("rewrapped").GetInt32());
        Assert.Equal(0, report.GetProperty("failed").GetArrayLength());

        JsonElement keys = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/keys", ct);
        Assert.Equal(2, keys.EnumerateArray().Count(k => k.GetProperty("purpose").GetString() == "master"));
        Assert.All(keys.EnumerateArray(), k => Assert.False(k.TryGetProperty("protectedKey", out _)));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/admin/keys/schemes/block", null, ct)).StatusCode);
        await Api.AssertProblemAsync(await admin.PostAsync("/api/v1/admin/keys/schemes/rot13", null, ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_administrators_open_the_admin_pages()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        string[] pages = ["/admin/users", "/admin/keys", "/admin/system"];

        HttpClient anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
        foreach (string page in pages)
        {
            HttpResponseMessage response = await anonymous.GetAsync(page, ct);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/account/login", response.Headers.Location?.OriginalString);
        }

        foreach (string role in new[] { "staff", "doctor", "auditor" })
        {
            HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });
            await FormSignIn.SignInAsync(client, $"{role}@medcrypt.local", PortalFactory.DemoPassword);
            foreach (string page in pages)
            {
                HttpResponseMessage denied = await client.GetAsync(page, ct);
                Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
                Assert.Contains("/account/denied", denied.Headers.Location?.OriginalString);
            }

            Assert.DoesNotContain("href=\"/admin/users\"", await client.GetStringAsync("/", ct));
        }

        HttpClient admin = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(admin, "admin@medcrypt.local", PortalFactory.DemoPassword);
        string users = await admin.GetStringAsync("/admin/users", ct);
        Assert.Contains("doctor@medcrypt.local", users);
        Assert.Contains("data-testid=\"keys-table\"", await admin.GetStringAsync("/admin/keys", ct));
        string system = await admin.GetStringAsync("/admin/system", ct);
        Assert.Contains("tiny-a", system);
        Assert.Contains(">SQLite<", system);
        Assert.Contains("href=\"/admin/users\"", await admin.GetStringAsync("/", ct));
    }
}
