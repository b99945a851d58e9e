using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Behind a TLS proxy (Production): plain HTTP is redirected to HTTPS, what the proxy forwarded as HTTPS is served
/// with HSTS, /health answers the load balancer's plain probe; only configured proxies (and loopback) are believed.
/// </summary>
public sealed class TransportSecurityTests
{
    [Fact]
    public async Task Outside_development_plain_http_is_redirected_and_https_through_the_proxy_gets_hsts()
    {
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        using WebApplicationFactory<Program> factory = portal.WithWebHostBuilder(b => b
            .UseEnvironment("Production")
            .UseSetting("Bootstrap:AdminEmail", "admin@hospital.example")
            .UseSetting("Bootstrap:AdminPassword", "Bootstrap-Password-2026!"));
        factory.UseKestrel(0); // connections from 127.0.0.1: the proxy on the same host, trusted by default
        factory.StartServer();
        Uri address = new(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };

        using var plain = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        plain.Headers.Host = "portal.hospital.example";
        HttpResponseMessage redirected = await client.SendAsync(plain, ct);
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal("https://portal.hospital.example/account/login", redirected.Headers.Location?.ToString());

        using var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        viaProxy.Headers.Host = "portal.hospital.example";
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        viaProxy.Headers.Add("X-Forwarded-For", "198.51.100.23");
        HttpResponseMessage served = await client.SendAsync(viaProxy, ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.StartsWith("max-age=31536000", served.Headers.GetValues("Strict-Transport-Security").Single());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", ct)).StatusCode);
    }

    [Fact]
    public void Only_loopback_and_the_configured_proxies_are_trusted_with_forwarded_headers()
    {
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        using WebApplicationFactory<Program> factory = portal.WithWebHostBuilder(b => b
            .UseSetting("ReverseProxy:KnownProxies:0", "10.1.2.3")
            .UseSetting("ReverseProxy:KnownNetworks:0", "10.20.0.0/16"));

        ForwardedHeadersOptions options = factory.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;

        Assert.Equal(ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, options.ForwardedHeaders);
        Assert.Equal(1, options.ForwardLimit);
        Assert.Contains(IPAddress.Parse("10.1.2.3"), options.KnownProxies);
        Assert.Contains(System.Net.IPNetwork.Parse("10.20.0.0/16"), options.KnownIPNetworks);
        Assert.Equal([IPAddress.Parse("10.1.2.3")], options.KnownProxies.Where(p => !IPAddress.IsLoopback(p)));
        Assert.DoesNotContain(options.KnownIPNetworks, n => n.PrefixLength == 0); // nobody trusts "everyone"
        Assert.DoesNotContain(options.KnownIPNetworks, n => n.Contains(IPAddress.Parse("198.51.100.23")));
    }
}
