using System.Net;
using System.Text;
using System.Text.Json;

namespace MedCrypt.Portal.Tests;

/// <summary>A sign-in body that is incomplete or not JSON is the caller's mistake: a 4xx problem+json, never a 500.</summary>
public sealed class LoginValidationTests
{
    [Fact]
    public async Task Login_bodies_without_an_email_or_password_or_not_json_get_4xx_problem_details()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient client = factory.CreateClient();

        (string Case, string Body, string ContentType, HttpStatusCode Status, string[] Fields)[] cases =
        [
            ("empty object", "{}", "application/json", HttpStatusCode.BadRequest, ["email", "password"]),
            ("no email", "{\"password\":\"Demo-Password-2026!\"}", "application/json", HttpStatusCode.BadRequest, ["email"]),
            ("null email", "{\"email\":null,\"password\":\"x\"}", "application/json", HttpStatusCode.BadRequest, ["email"]),
            ("blank email", "{\"email\":\"  \",\"password\":\"x\"}", "application/json", HttpStatusCode.BadRequest, ["email"]),
            ("no password", "{\"email\":\"staff@medcrypt.local\"}", "application/json", HttpStatusCode.BadRequest, ["password"]),
            ("JSON null", "null", "application/json", HttpStatusCode.BadRequest, []),
            ("a JSON array", "[1,2]", "application/json", HttpStatusCode.BadRequest, []),
            ("wrong types", "{\"email\":5,\"password\":true}", "application/json", HttpStatusCode.BadRequest, []),
            ("cut-off JSON", "{\"email\":", "application/json", HttpStatusCode.BadRequest, []),
            ("empty body", "", "application/json", HttpStatusCode.BadRequest, []),
            ("not JSON at all", "email=staff@medcrypt.local&password=x", "application/json", HttpStatusCode.BadRequest, []),
            // A body that does not say it is JSON: 415, HTTP's answer for a media type the endpoint does not take.
            ("a form instead of JSON", "email=staff@medcrypt.local&password=x", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, []),
            ("plain text", "staff@medcrypt.local", "text/plain", HttpStatusCode.UnsupportedMediaType, []),
        ];
        foreach ((string name, string body, string contentType, HttpStatusCode status, string[] fields) in cases)
        {
            HttpResponseMessage response = await client.PostAsync("/api/v1/auth/login", new StringContent(body, Encoding.UTF8, contentType), ct);
            Assert.True(status == response.StatusCode, $"{name}: expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            await Api.AssertProblemAsync(response, status);
            if (fields.Length > 0)
            {
                using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                Assert.Equal(fields, problem.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
            }
        }

        // The portal still signs people in.
        Assert.NotNull(await Api.SignedInAsync(factory, "staff@medcrypt.local"));
    }

    [Fact]
    public async Task The_sign_in_form_without_its_fields_shows_the_form_again()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });
        string page = await client.GetStringAsync("/account/login", TestContext.Current.CancellationToken);

        HttpResponseMessage response = await client.PostAsync("/account/login", FormSignIn.Form(FormSignIn.Token(page), ("_handler", "login")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The Email field is required.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
