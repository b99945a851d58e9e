using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MedCrypt.Portal.Tests;

/// <summary>What API tests share: a signed-in client, the problem+json check, a multipart upload and a generated head scan.</summary>
internal static class Api
{
    /// <summary>A bearer token for <paramref name="email"/> with the demo password, and the code of the authenticator key (which an account without one ignores).</summary>
    public static async Task<HttpClient> SignedInAsync(WebApplicationFactory<Program> factory, string email, string authenticatorKey = PortalFactory.DemoAuthenticatorKey)
    {
        HttpClient client = factory.CreateClient();
        HttpResponseMessage login = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email, password = PortalFactory.DemoPassword, twoFactorCode = Totp.Code(authenticatorKey, DateTimeOffset.UtcNow) }, TestContext.Current.CancellationToken);
        login.EnsureSuccessStatusCode();
        string token = (await login.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("accessToken").GetString()!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
    }

    public static MultipartFormDataContent Upload(byte[] bytes, string name, string scheme, string contentType = "image/png")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", name }, { new StringContent(scheme), "scheme" } };
    }
}
