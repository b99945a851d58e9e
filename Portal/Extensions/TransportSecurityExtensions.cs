using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace MedCrypt.Portal.Extensions;

/// <summary>
/// Running behind a TLS-terminating reverse proxy: the client's address and scheme from X-Forwarded-For and
/// X-Forwarded-Proto, believed only from the proxies configured in ReverseProxy (and loopback, ASP.NET Core's
/// default); outside Development, plain HTTP is redirected to HTTPS and HSTS tells browsers to stay there.
/// Development and the tests run on plain HTTP.
/// </summary>
public static class TransportSecurityExtensions
{
    public static void AddTransportSecurity(this IHostApplicationBuilder builder)
    {
        IConfigurationSection proxy = builder.Configuration.GetSection("ReverseProxy");
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = proxy.GetValue("ForwardLimit", 1); // one proxy in front: only its own entry is believed
            foreach (string address in proxy.GetSection("KnownProxies").Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (string network in proxy.GetSection("KnownNetworks").Get<string[]>() ?? [])
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        IConfigurationSection https = builder.Configuration.GetSection("Https");
        builder.Services.AddHttpsRedirection(o =>
        {
            o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
            o.HttpsPort = https.GetValue<int?>("Port") ?? 443;
        });
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(https.GetValue("HstsMaxAgeDays", 365)));
    }

    /// <summary>First in the pipeline, so everything after sees the client's real address (rate limits, audit) and scheme.</summary>
    public static void UseTransportSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (app.Environment.IsDevelopment())
        {
            return;
        }

        app.UseHsts();
        // A load balancer's or orchestrator's health probe talks plain HTTP to the container: /health answers it (no patient data).
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/health"), branch => branch.UseHttpsRedirection());
    }
}
