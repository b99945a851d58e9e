using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;

namespace MedCrypt.Portal.Tests;

/// <summary>The REST API through the real app, on SQLite and PostgreSQL: bearer tokens, the same rules as the pages, problem+json errors.</summary>
public sealed class ApiTests
{
    [Theory]
    [MemberData(nameof(AccountTests.Providers), MemberType = typeof(AccountTests))]
    public async Task Staff_create_a_study_and_only_doctors_get_its_original(string provider)
    {
        using PortalFactory factory = AccountTests.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await SignedInAsync(factory, "staff@medcrypt.local");

        HttpResponseMessage created = await staff.PostAsync("/api/v1/studies", Upload(Scan(), "scan.png", "block"), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct));
        string id = body.RootElement.GetProperty("id").GetString()!;
        Assert.Equal("block", body.RootElement.GetProperty("scheme").GetString());
        Assert.Equal(3, body.RootElement.GetProperty("predictions").GetArrayLength());

        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/v1/studies/{id}", ct)).StatusCode);
        Assert.Equal("image/png", (await staff.GetAsync($"/api/v1/studies/{id}/image/protected", ct)).Content.Headers.ContentType?.MediaType);
        await AssertProblemAsync(await staff.GetAsync($"/api/v1/studies/{id}/image/original", ct), HttpStatusCode.Forbidden);

        HttpClient doctor = await SignedInAsync(factory, "doctor@medcrypt.local");
        HttpResponseMessage original = await doctor.GetAsync($"/api/v1/studies/{id}/image/original", ct);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal("image/png", original.Content.Headers.ContentType?.MediaType);

        HttpClient auditor = await SignedInAsync(factory, "auditor@medcrypt.local");
        await AssertProblemAsync(await auditor.PostAsync("/api/v1/studies", Upload(Scan(), "scan.png", "block"), ct), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await auditor.GetAsync($"/api/v1/studies/{id}", ct), HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(AccountTests.Providers), MemberType = typeof(AccountTests))]
    public async Task Anonymous_calls_bad_credentials_and_bad_uploads_get_problem_details(string provider)
    {
        using PortalFactory factory = AccountTests.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient anonymous = factory.CreateClient();

        await AssertProblemAsync(await anonymous.GetAsync("/api/v1/schemes", ct), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "staff@medcrypt.local", password = "nope" }, ct), HttpStatusCode.Unauthorized);

        HttpClient staff = await SignedInAsync(factory, "staff@medcrypt.local");
        await AssertProblemAsync(await staff.PostAsync("/api/v1/studies", Upload("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), "x.png", "block"), ct), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await staff.PostAsync("/api/v1/studies", Upload(Scan(), "x.png", "rot13"), ct), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await staff.GetAsync($"/api/v1/studies/{Guid.NewGuid()}", ct), HttpStatusCode.NotFound);
        Assert.Equal(9, (await staff.GetFromJsonAsync<JsonElement>("/api/v1/schemes", ct)).GetArrayLength());
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route()
    {
        using PortalFactory factory = AccountTests.Create("Sqlite");
        JsonElement document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        string[] paths = [.. document.GetProperty("paths").EnumerateObject().Select(p => p.Name)];

        Assert.Contains("/api/v1/auth/login", paths);
        Assert.Contains("/api/v1/schemes", paths);
        Assert.Contains("/api/v1/studies", paths);
        Assert.Contains("/api/v1/studies/{id}/image/original", paths);
    }

    [Theory]
    [MemberData(nameof(AccountTests.Providers), MemberType = typeof(AccountTests))]
    public async Task Health_reports_the_database_and_the_models(string provider)
    {
        using PortalFactory factory = AccountTests.Create(provider);
        JsonElement health = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("cpu", health.GetProperty("checks").GetProperty("models").GetProperty("data").GetProperty("device").GetString());
    }

    private static async Task<HttpClient> SignedInAsync(PortalFactory factory, string email)
    {
        HttpClient client = factory.CreateClient();
        HttpResponseMessage login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = PortalFactory.DemoPassword }, TestContext.Current.CancellationToken);
        login.EnsureSuccessStatusCode();
        string token = (await login.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("accessToken").GetString()!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
    }

    private static MultipartFormDataContent Upload(byte[] bytes, string name, string scheme)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { file, "file", name }, { new StringContent(scheme), "scheme" } };
    }

    private static byte[] Scan()
    {
        var image = new PixelImage(64, 64, PixelFormat.Gray8);
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                double u = (x - 32) / 26.0, v = (y - 32) / 28.0;
                image.Row(y)[x] = (byte)((u * u) + (v * v) <= 1 ? 80 + ((3 * x) + y) % 100 : 0);
            }
        }

        return new ImageCodec().EncodePng(image);
    }
}
