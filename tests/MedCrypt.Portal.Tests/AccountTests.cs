using System.Net;

namespace MedCrypt.Portal.Tests;

/// <summary>Signing in and out through the real portal, on SQLite and on PostgreSQL.</summary>
public sealed class AccountTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Anonymous_visitors_are_sent_to_sign_in(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });

        HttpResponseMessage response = await client.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Every_demo_role_signs_in_and_out(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        foreach (string role in new[] { "admin", "staff", "doctor", "auditor" })
        {
            HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });
            HttpResponseMessage signIn = await FormSignIn.SignInAsync(client, $"{role}@medcrypt.local", PortalFactory.DemoPassword);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

            string home = await client.GetStringAsync("/", TestContext.Current.CancellationToken);
            Assert.Contains($"{role}@medcrypt.local", home);

            // A cross-site post without the form's antiforgery token does not sign anyone out.
            HttpResponseMessage forged = await client.PostAsync("/account/logout", new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Contains($"{role}@medcrypt.local", await client.GetStringAsync("/", TestContext.Current.CancellationToken));

            HttpResponseMessage signOut = await client.PostAsync("/account/logout", FormSignIn.Form(FormSignIn.Token(home)), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Wrong_passwords_are_refused_and_five_lock_the_account(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });

        HttpResponseMessage first = await FormSignIn.SignInAsync(client, "staff@medcrypt.local", "not-the-password");
        Assert.Contains("email or password is wrong", await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        for (int i = 0; i < 4; i++)
        {
            await FormSignIn.SignInAsync(client, "staff@medcrypt.local", "not-the-password");
        }

        HttpResponseMessage locked = await FormSignIn.SignInAsync(client, "staff@medcrypt.local", PortalFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("locked", await locked.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
