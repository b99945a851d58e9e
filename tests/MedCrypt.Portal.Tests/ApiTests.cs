using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MedCrypt.Portal.Tests;

/// <summary>The REST API through the real app, on SQLite and PostgreSQL: bearer tokens, the same rules as the pages, problem+json errors.</summary>
public sealed class ApiTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Staff_create_a_study_and_only_doctors_get_its_original(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");

        HttpResponseMessage created = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct));
        string id = body.RootElement.GetProperty("id").GetString()!;
        Assert.Equal("block", body.RootElement.GetProperty("scheme").GetString());
        Assert.Equal(3, body.RootElement.GetProperty("predictions").GetArrayLength());

        // Each decision carries the operating point it was taken at, stored with it (the fixture's manifest names none: 0.5).
        using JsonDocument stored = JsonDocument.Parse(await staff.GetStringAsync($"/api/v1/studies/{id}", ct));
        Assert.All(stored.RootElement.GetProperty("predictions").EnumerateArray(), p => Assert.Equal(0.5, p.GetProperty("tumorThreshold").GetDouble()));
        HttpClient historian = await Api.SignedInAsync(factory, "auditor@medcrypt.local");
        using JsonDocument history = JsonDocument.Parse(await historian.GetStringAsync("/api/v1/predictions", ct));
        Assert.Contains(history.RootElement.GetProperty("items").EnumerateArray(), r => r.GetProperty("tumorThreshold").GetDouble() == 0.5);
        Assert.Contains(",tumor_threshold", (await historian.GetStringAsync("/api/v1/predictions.csv", ct)).Split('\n')[0], StringComparison.Ordinal);
        Assert.Equal("image/png", (await staff.GetAsync($"/api/v1/studies/{id}/image/protected", ct)).Content.Headers.ContentType?.MediaType);
        await Api.AssertProblemAsync(await staff.GetAsync($"/api/v1/studies/{id}/image/original", ct), HttpStatusCode.Forbidden);

        HttpClient doctor = await Api.SignedInAsync(factory, "doctor@medcrypt.local");
        HttpResponseMessage original = await doctor.GetAsync($"/api/v1/studies/{id}/image/original", ct);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal("image/png", original.Content.Headers.ContentType?.MediaType);

        HttpClient auditor = await Api.SignedInAsync(factory, "auditor@medcrypt.local");
        await Api.AssertProblemAsync(await auditor.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await auditor.GetAsync($"/api/v1/studies/{id}", ct), HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Anonymous_calls_bad_credentials_and_bad_uploads_get_problem_details(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient anonymous = factory.CreateClient();

        await Api.AssertProblemAsync(await anonymous.GetAsync("/api/v1/schemes", ct), HttpStatusCode.Unauthorized);
        await Api.AssertProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "staff@medcrypt.local", password = "nope" }, ct), HttpStatusCode.Unauthorized);

        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        await Api.AssertProblemAsync(await staff.PostAsync("/api/v1/studies", Api.Upload("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), "x.png", "block"), ct), HttpStatusCode.BadRequest);
        await Api.AssertProblemAsync(await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "x.png", "rot13"), ct), HttpStatusCode.BadRequest);
        await Api.AssertProblemAsync(await staff.GetAsync($"/api/v1/studies/{Guid.NewGuid()}", ct), HttpStatusCode.NotFound);
        JsonElement schemes = await staff.GetFromJsonAsync<JsonElement>("/api/v1/schemes", ct);
        Assert.Equal(new Crypto.Schemes.SchemeCatalog().All.Count, schemes.GetArrayLength());
        // The default comes first and is encryption; Tanaka's block is labelled as the obfuscation it is.
        Assert.Equal(("pixel-shuffle", "encryption"), (schemes[0].GetProperty("id").GetString(), schemes[0].GetProperty("protection").GetString()));
        JsonElement block = schemes.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "block");
        Assert.Equal("obfuscation", block.GetProperty("protection").GetString());
        Assert.Contains("ciphertext-only attack", block.GetProperty("caveat").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        JsonElement document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        string[] paths = [.. document.GetProperty("paths").EnumerateObject().Select(p => p.Name)];

        Assert.Contains("/api/v1/auth/login", paths);
        Assert.Contains("/api/v1/schemes", paths);
        Assert.Contains("/api/v1/studies", paths);
        Assert.Contains("/api/v1/studies/{id}/image/original", paths);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Health_reports_the_database_and_the_models(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        JsonElement health = await admin.GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("cpu", health.GetProperty("checks").GetProperty("models").GetProperty("data").GetProperty("device").GetString());

        // A probe without an account gets the statuses and nothing else (no paths, no devices).
        JsonElement probe = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);
        Assert.Equal("Healthy", probe.GetProperty("checks").GetProperty("models").GetProperty("status").GetString());
        Assert.False(probe.GetProperty("checks").GetProperty("models").TryGetProperty("data", out _));
        Assert.False(probe.GetProperty("checks").GetProperty("models").TryGetProperty("description", out _));
    }

    [Fact]
    public async Task Without_models_an_upload_is_a_503_and_every_refused_upload_is_audited()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        factory.Settings["Inference:Manifest"] = Path.Combine(Path.GetTempPath(), $"medcrypt-no-models-{Guid.NewGuid():N}.json");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");

        HttpResponseMessage refused = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "pixel-shuffle"), ct);
        await Api.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("No models are loaded", await refused.Content.ReadAsStringAsync(ct));
        await Api.AssertProblemAsync(await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "rot13"), ct), HttpStatusCode.BadRequest);

        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Contains("staff@medcrypt.local study.upload Failed", trail);
        Assert.Contains("staff@medcrypt.local study.upload Denied", trail);

        // An administrator's malformed request is a 400 naming the field, not a 500.
        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        await Api.AssertProblemAsync(await admin.PostAsJsonAsync("/api/v1/admin/users/", new { }, ct), HttpStatusCode.BadRequest);
    }
}
