using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MedCrypt.Portal.Tests;

/// <summary>GET /api/v1/predictions (+ .csv), /history/export.csv and GET /api/v1/audit (+ /verify) through the real app: roles, paging, problem+json.</summary>
public sealed class HistoryAndAuditApiTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Predictions_are_paged_filtered_and_bad_values_are_problems(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "block", seed: 1);
        await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "median", seed: 2);
        HttpClient auditor = await Api.SignedInAsync(factory, "auditor@medcrypt.local");

        JsonElement first = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/predictions?pageSize=4", ct);
        Assert.Equal(6, first.GetProperty("total").GetInt32());
        Assert.Equal(4, first.GetProperty("items").GetArrayLength());
        JsonElement second = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/predictions?pageSize=4&page=2", ct);
        Assert.Equal(2, second.GetProperty("items").GetArrayLength());
        long[] ids = [.. first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetInt64())];
        Assert.Equal(6, ids.Distinct().Count());

        JsonElement ensembles = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/predictions?model=ensemble&from={DateTime.UtcNow:yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}", ct);
        Assert.Equal(2, ensembles.GetProperty("total").GetInt32());
        Assert.All(ensembles.GetProperty("items").EnumerateArray(), i => Assert.Equal("ensemble", i.GetProperty("model").GetString()));
        JsonElement none = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/predictions?label=no-such-label", ct);
        Assert.Equal(0, none.GetProperty("total").GetInt32());

        foreach (string bad in new[] { "pageSize=0", "pageSize=201", "pageSize=ten", "page=0", "from=yesterday", "minTumor=1.5", "decrypted=maybe", "sort=colour", "from=2026-11-25&to=2026-11-24", "pageSize=5&pageSize=6" })
        {
            HttpResponseMessage response = await auditor.GetAsync($"/api/v1/predictions?{bad}", ct);
            JsonElement problem = await ApiProblems.AssertAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.TryGetProperty("errors", out _), bad);
        }

        HttpResponseMessage csv = await auditor.GetAsync("/api/v1/predictions.csv?scheme=median", ct);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal(4, Rfc4180.Parse(await csv.Content.ReadAsStringAsync(ct)).Count);

        await ApiProblems.AssertAsync(await factory.CreateClient().GetAsync("/api/v1/predictions", ct), HttpStatusCode.Unauthorized);
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/v1/predictions", ct)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task The_page_export_needs_a_signed_in_reader(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await TestStudies.AnalyseAsync(factory, TestStudies.Staff);
        HttpClient anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/history/export.csv", ct)).StatusCode);

        HttpClient auditor = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(auditor, "auditor@medcrypt.local", PortalFactory.DemoPassword);
        HttpResponseMessage export = await auditor.GetAsync("/history/export.csv?model=ensemble", ct);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", export.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal(2, Rfc4180.Parse(await export.Content.ReadAsStringAsync(ct)).Count);
        await ApiProblems.AssertAsync(await auditor.GetAsync("/history/export.csv?minTumor=-1", ct), HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Only_auditors_and_admins_read_and_verify_the_audit_log(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        await ApiProblems.AssertAsync(await staff.GetAsync("/api/v1/audit", ct), HttpStatusCode.Forbidden);
        await ApiProblems.AssertAsync(await staff.GetAsync("/api/v1/audit/verify", ct), HttpStatusCode.Forbidden);
        HttpClient doctor = await Api.SignedInAsync(factory, "doctor@medcrypt.local");
        await ApiProblems.AssertAsync(await doctor.GetAsync("/api/v1/audit", ct), HttpStatusCode.Forbidden);
        await ApiProblems.AssertAsync(await factory.CreateClient().GetAsync("/api/v1/audit/verify", ct), HttpStatusCode.Unauthorized);
        await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = "staff@medcrypt.local", password = "wrong-password" }, ct);

        HttpClient auditor = await Api.SignedInAsync(factory, "auditor@medcrypt.local");
        JsonElement page = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?pageSize=2", ct);
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt32() >= 4);
        long[] sequences = [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sequence").GetInt64())];
        Assert.True(sequences[0] > sequences[1]); // newest first

        JsonElement denied = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?outcome=denied&actor=staff@medcrypt.local&action=sign-in", ct);
        Assert.Equal(1, denied.GetProperty("total").GetInt32());
        Assert.Equal("sign-in", denied.GetProperty("items")[0].GetProperty("action").GetString());
        Assert.Equal("Denied", denied.GetProperty("items")[0].GetProperty("outcome").GetString()); // the word the filter takes, not a number
        JsonElement today = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=sign-in&from={DateTime.UtcNow:yyyy-MM-dd}", ct);
        Assert.True(today.GetProperty("total").GetInt32() >= 4);
        JsonElement tomorrow = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit?from={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}", ct);
        Assert.Equal(0, tomorrow.GetProperty("total").GetInt32());
        await ApiProblems.AssertAsync(await auditor.GetAsync("/api/v1/audit?outcome=maybe", ct), HttpStatusCode.BadRequest);
        await ApiProblems.AssertAsync(await auditor.GetAsync("/api/v1/audit?pageSize=501", ct), HttpStatusCode.BadRequest);

        JsonElement verified = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify", ct);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.True(verified.GetProperty("entries").GetInt64() > 5);
        Assert.Equal(JsonValueKind.Null, verified.GetProperty("brokenAt").ValueKind);
        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify", ct)).GetProperty("valid").GetBoolean());
    }
}

/// <summary>problem+json as the API answers every error.</summary>
internal static class ApiProblems
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
