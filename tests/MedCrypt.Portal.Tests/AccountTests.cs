using System.Net;
using System.Text.RegularExpressions;

namespace MedCrypt.Portal.Tests;

/// <summary>Signing in and out through the real portal, on SQLite and on PostgreSQL.</summary>
public sealed partial class AccountTests
{
    public static TheoryData<string> Providers() => new("Sqlite", "Postgres");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Anonymous_visitors_are_sent_to_sign_in(string provider)
    {
        using PortalFactory factory = Create(provider);
        HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });

        HttpResponseMessage response = await client.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_demo_role_signs_in_and_out(string provider)
    {
        using PortalFactory factory = Create(provider);
        foreach (string role in new[] { "admin", "staff", "doctor", "auditor" })
        {
            HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });
            HttpResponseMessage signIn = await SignInAsync(client, $"{role}@medcrypt.local", PortalFactory.DemoPassword);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

            string home = await client.GetStringAsync("/", TestContext.Current.CancellationToken);
            Assert.Contains($"{role}@medcrypt.local", home);

            HttpResponseMessage signOut = await client.PostAsync("/account/logout", Form(Token(home)), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Wrong_passwords_are_refused_and_five_lock_the_account(string provider)
    {
        using PortalFactory factory = Create(provider);
        HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });

        HttpResponseMessage first = await SignInAsync(client, "staff@medcrypt.local", "not-the-password");
        Assert.Contains("email or password is wrong", await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        for (int i = 0; i < 4; i++)
        {
            await SignInAsync(client, "staff@medcrypt.local", "not-the-password");
        }

        HttpResponseMessage locked = await SignInAsync(client, "staff@medcrypt.local", PortalFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("locked", await locked.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    internal static PortalFactory Create(string provider)
    {
        Assert.SkipWhen(provider == "Postgres" && PortalFactory.PostgresServer is null,
            "No PostgreSQL server: the README's test command starts one (MEDCRYPT_TEST_POSTGRES).");
        return new PortalFactory(provider);
    }

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
