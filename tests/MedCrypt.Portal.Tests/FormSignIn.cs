using System.Net;
using System.Text.RegularExpressions;

namespace MedCrypt.Portal.Tests;

/// <summary>The portal's static sign-in form as a browser posts it: the antiforgery token read from the page, then the fields.</summary>
internal static partial class FormSignIn
{
    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        string page = await client.GetStringAsync("/account/login", TestContext.Current.CancellationToken);
        return await client.PostAsync("/account/login", Form(Token(page), ("_handler", "login"), ("Input.Email", email), ("Input.Password", password)), TestContext.Current.CancellationToken);
    }

    internal static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    internal static string Token(string html) => AntiforgeryField().Match(html) is { Success: true } m
        ? WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new InvalidOperationException("The page has no antiforgery token.");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
