using MedCrypt.Portal.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MedCrypt.EndToEnd;

/// <summary>
/// The real portal on a real Kestrel port (PostgreSQL when the test command started one, as hospitals deploy it;
/// SQLite otherwise) and Debian's Chromium driven by Playwright: started once for the assembly, since a browser and
/// a portal take seconds each to start on a small machine.
/// </summary>
public sealed class PortalInBrowser : IAsyncLifetime
{
    /// <summary>Debian's package (tests/run.sh installs it); Playwright's own browser download is never used.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private PortalFactory? _factory;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string Provider { get; } = PortalFactory.PostgresServer is null ? "Sqlite" : "Postgres";

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    /// <summary>The portal's own services, to check what a scenario left in its database.</summary>
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The portal has not started.");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The end-to-end tests need Debian's Chromium at {ChromiumPath}: install it with `apt-get install chromium` " +
                "(bash tests/run.sh does). Playwright's own browser download is not used.");
        }

        _factory = new PortalFactory(Provider);
        _factory.Settings["Revocation:CheckSeconds"] = "2"; // an open tab's revocation scenario waits this long, not the default 30 s
        _factory.UseKestrel(0); // a free port, chosen by the OS
        _factory.StartServer();
        BaseAddress = new Uri(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address."));

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            Timeout = 60_000,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
