using System.Net;
using System.Text.RegularExpressions;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// The portal's static sign-in form as a browser posts it: the antiforgery token read from the page, then the fields;
/// when the portal asks for the second step, the code of <c>authenticatorKey</c> (the demo Doctor's and Admin's by default).
/// </summary>
internal static partial class FormSignIn
{
    /// <param name="authenticatorKey">Null: stop at the second step, and return its answer.</param>
    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? authenticatorKey = PortalFactory.DemoAuthenticatorKey)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string page = await client.GetStringAsync("/account/login", ct);
        HttpResponseMessage response = await client.PostAsync("/account/login", Form(Token(page), ("_handler", "login"), ("Input.Email", email), ("Input.Password", password)), ct);
        // The second step, whether the client followed the redirect to it or not.
        bool secondStep = response.Headers.Location?.OriginalString.Contains("/account/login-2fa", StringComparison.Ordinal) == true
            || response.RequestMessage?.RequestUri?.AbsolutePath == "/account/login-2fa";
        if (!secondStep || authenticatorKey is null)
        {
            return response;
        }

        string step = await client.GetStringAsync("/account/login-2fa", ct);
        return await client.PostAsync("/account/login-2fa", Form(Token(step), ("_handler", "login-2fa"), ("Input.Code", Totp.Code(authenticatorKey, DateTimeOffset.UtcNow))), ct);
    }

    internal static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    internal static string Token(string html) => AntiforgeryField().Match(html) is { Success: true } m
        ? WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new InvalidOperationException("The page has no antiforgery token.");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
