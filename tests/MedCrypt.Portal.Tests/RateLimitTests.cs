using System.Net;
using System.Net.Http.Json;
using MedCrypt.Portal.RateLimiting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Sign-in and uploads over their limits answer 429 problem+json with Retry-After; the limits are per client: sign-in
/// per address (as the reverse proxy reports it), uploads per user.
/// </summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Sign_in_attempts_over_the_limit_get_429_per_client_address_on_the_api_and_the_form()
    {
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        using WebApplicationFactory<Program> factory = portal.WithWebHostBuilder(b => b.UseSetting("RateLimits:SignIn:PermitLimit", "3"));
        factory.UseKestrel(0); // real connections from 127.0.0.1, a trusted proxy by default: X-Forwarded-For names the client
        factory.StartServer();
        Uri address = new(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        CancellationToken ct = TestContext.Current.CancellationToken;
        using HttpClient first = Client(address, "203.0.113.7"), second = Client(address, "203.0.113.8");

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await WrongPasswordAsync(first)).StatusCode);
        }

        HttpResponseMessage limited = await WrongPasswordAsync(first);
        await Api.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Contains("sign-in attempts", await limited.Content.ReadAsStringAsync(ct));
        // Even the right password: the limit is on attempts, before the password is looked at.
        HttpResponseMessage right = await first.PostAsJsonAsync("/api/v1/auth/login", new { email = "staff@medcrypt.local", password = PortalFactory.DemoPassword }, ct);
        await Api.AssertProblemAsync(right, HttpStatusCode.TooManyRequests);

        // The sign-in form shares the limit: viewing it is free, posting it is an attempt.
        HttpResponseMessage page = await first.GetAsync("/account/login", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        HttpResponseMessage form = await FormSignIn.SignInAsync(first, "staff@medcrypt.local", PortalFactory.DemoPassword);
        await Api.AssertProblemAsync(form, HttpStatusCode.TooManyRequests);

        // Another client is not affected.
        HttpResponseMessage other = await second.PostAsJsonAsync("/api/v1/auth/login", new { email = "staff@medcrypt.local", password = PortalFactory.DemoPassword }, ct);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Uploads_over_the_limit_get_429_per_user()
    {
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        using WebApplicationFactory<Program> factory = portal.WithWebHostBuilder(b => b.UseSetting("RateLimits:Uploads:PermitLimit", "2"));
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        HttpClient doctor = await Api.SignedInAsync(factory, "doctor@medcrypt.local");

        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct)).StatusCode);
        }

        HttpResponseMessage limited = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct);
        await Api.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Contains("uploads", await limited.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/v1/schemes", ct)).StatusCode); // only uploads are limited

        Assert.Equal(HttpStatusCode.Created, (await doctor.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct)).StatusCode);
    }

    /// <summary>The Analyse page's uploads come over the circuit: the same limit, per user, through the page's limiter.</summary>
    [Fact]
    public void Analyse_page_uploads_are_limited_per_user()
    {
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        using WebApplicationFactory<Program> factory = portal.WithWebHostBuilder(b => b.UseSetting("RateLimits:Uploads:PermitLimit", "2"));
        CircuitUploadLimiter limiter = factory.Services.GetRequiredService<CircuitUploadLimiter>();
        System.Security.Claims.ClaimsPrincipal staff = User("staff-id"), doctor = User("doctor-id");

        Assert.Null(limiter.TryStart(staff));
        Assert.Null(limiter.TryStart(staff));
        Assert.StartsWith("Too many uploads: at most 2 every 60 s.", limiter.TryStart(staff));
        Assert.Null(limiter.TryStart(doctor));
    }

    private static System.Security.Claims.ClaimsPrincipal User(string id) =>
        new(new System.Security.Claims.ClaimsIdentity([new(System.Security.Claims.ClaimTypes.NameIdentifier, id)], "test"));

    private static HttpClient Client(Uri address, string forwardedFor)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = address };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }

    private static Task<HttpResponseMessage> WrongPasswordAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { email = "staff@medcrypt.local", password = "not-the-password" }, TestContext.Current.CancellationToken);
}
