using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// The real portal in-process, on a database of its own: a fresh SQLite file, or — when the test command started
/// one (MEDCRYPT_TEST_POSTGRES) — a fresh database on a real PostgreSQL server. Development environment, so the demo
/// accounts are seeded; the fixture models stand in for the trained ones.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    public const string DemoPassword = "Demo-Password-2026!";
    private readonly string _provider;
    private readonly string _connectionString;
    private readonly string? _sqliteFile;

    /// <param name="postgresServer">Another way to the test server (e.g. through a <see cref="TcpRelay"/>) than <see cref="PostgresServer"/>.</param>
    public PortalFactory(string provider, string? postgresServer = null)
    {
        _provider = provider;
        if (provider == "Postgres")
        {
            string server = postgresServer ?? PostgresServer ?? throw new InvalidOperationException("No PostgreSQL server for the tests.");
            _connectionString = $"{server};Database=medcrypt_test_{Guid.NewGuid():N}";
        }
        else
        {
            _sqliteFile = Path.Combine(Path.GetTempPath(), $"medcrypt-test-{Guid.NewGuid():N}.db");
            _connectionString = $"Data Source={_sqliteFile}";
        }
    }

    /// <summary>A second portal on <paramref name="first"/>'s database, as a second instance of one deployment (the first cleans up).</summary>
    public PortalFactory(PortalFactory first)
    {
        ArgumentNullException.ThrowIfNull(first);
        _provider = first._provider;
        _connectionString = first._connectionString;
    }

    /// <summary>The throwaway server the test command starts, without a database name; null when none runs.</summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable("MEDCRYPT_TEST_POSTGRES");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting, not ConfigureAppConfiguration: the portal reads these while it builds its services, before the
        // factory's configuration callbacks would run.
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", _provider);
        builder.UseSetting("Database:ConnectionString", _connectionString);
        builder.UseSetting("Seed:DemoPassword", DemoPassword);
        builder.UseSetting("Inference:Manifest", Path.Combine(AppContext.BaseDirectory, "Assets", "models.json"));
        builder.UseSetting("Inference:Device", "cpu");
        // The tests sign in and upload dozens of times a minute from one client; RateLimitTests set the limits they test.
        builder.UseSetting("RateLimits:SignIn:PermitLimit", "100000");
        builder.UseSetting("RateLimits:Uploads:PermitLimit", "100000");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string file in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
