using System.Net;
using System.Text.RegularExpressions;

namespace MedCrypt.Portal.Tests;

/// <summary>The account pages' static forms, posted as a browser would (antiforgery token from the page), and what they show once.</summary>
internal static partial class AccountPages
{
    public static async Task<string> PostAsync(HttpClient client, string path, string page, string form, params (string Name, string Value)[] fields)
    {
        HttpResponseMessage response = await PostRawAsync(client, path, page, form, fields);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    public static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string page, string form, params (string Name, string Value)[] fields) =>
        client.PostAsync(path, FormSignIn.Form(FormSignIn.Token(page), [("_handler", form), .. fields]), TestContext.Current.CancellationToken);

    [GeneratedRegex("data-testid=\"shared-key\">([^<]+)<")]
    public static partial Regex SharedKey();

    [GeneratedRegex("data-testid=\"recovery-codes\">([^<]+)<")]
    public static partial Regex RecoveryCodes();
}
