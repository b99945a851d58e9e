using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// The real portal in-process, on a database of its own: a fresh SQLite file, or — when the test command started
/// one (MEDCRYPT_TEST_POSTGRES) — a fresh database on a real PostgreSQL server. Development environment, so the demo
/// accounts are seeded; the fixture models stand in for the trained ones. Each portal has a key-encryption key file of
/// its own (made at its first start), shared with a second instance.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    /// <summary>The databases every database test runs on.</summary>
    public static TheoryData<string> Providers() => new("Sqlite", "Postgres");

    /// <summary>A portal on <paramref name="provider"/>; the test is skipped, saying why, when PostgreSQL is asked for and none runs.</summary>
    internal static PortalFactory Create(string provider)
    {
        Assert.SkipWhen(provider == "Postgres" && PostgresServer is null,
            "No PostgreSQL server: the README's test command starts one (MEDCRYPT_TEST_POSTGRES).");
        return new PortalFactory(provider);
    }

    public const string DemoPassword = "Demo-Password-2026!";

    /// <summary>The demo Doctor's and Admin's authenticator key (base32), as appsettings.Development.json has it.</summary>
    public const string DemoAuthenticatorKey = "H77OMPQOFDCQ2JV7QBNYCDMXVU2T7HE7";
    private readonly string _provider;
    private readonly string _connectionString;
    private readonly string? _sqliteFile;
    private readonly bool _ownsKeyFile;

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

        KeyFile = Path.Combine(Path.GetTempPath(), $"medcrypt-test-{Guid.NewGuid():N}.kek");
        _ownsKeyFile = true;
    }

    /// <summary>A portal on a database that already exists (e.g. a restored copy), with the key file given; neither is deleted.</summary>
    public PortalFactory(string provider, string connectionString, string keyFile)
    {
        _provider = provider;
        _connectionString = connectionString;
        KeyFile = keyFile;
    }

    /// <summary>A second portal on <paramref name="first"/>'s database, as a second instance of one deployment (the first cleans up).</summary>
    public PortalFactory(PortalFactory first)
    {
        ArgumentNullException.ThrowIfNull(first);
        _provider = first._provider;
        _connectionString = first._connectionString;
        KeyFile = first.KeyFile;
    }

    public string Provider => _provider;

    public string ConnectionString => _connectionString;

    /// <summary>The key-encryption key file (KeyEncryption:KeyFile).</summary>
    public string KeyFile { get; }

    /// <summary>The audit anchor's files, beside the key file (AuditAnchorOptions): signing key, public key, heads.</summary>
    public string[] AuditAnchorFiles => [.. new[] { ".audit-key", ".audit-key.pub", ".audit-heads.jsonl" }.Select(e => Path.ChangeExtension(KeyFile, null) + e)];

    /// <summary>Further settings, e.g. a certificate instead of the key file; set before the portal starts.</summary>
    public Dictionary<string, string> Settings { get; } = [];

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
        builder.UseSetting("Seed:DemoAuthenticatorKey", DemoAuthenticatorKey);
        builder.UseSetting("Inference:Manifest", Path.Combine(AppContext.BaseDirectory, "Assets", "models.json"));
        builder.UseSetting("Inference:Device", "cpu");
        // The tests sign in and upload dozens of times a minute from one client; RateLimitTests set the limits they test.
        builder.UseSetting("RateLimits:SignIn:PermitLimit", "100000");
        builder.UseSetting("RateLimits:Uploads:PermitLimit", "100000");
        builder.UseSetting("KeyEncryption:KeyFile", KeyFile);
        foreach ((string key, string value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            // Also when the portal failed to start (and stopping it throws): no database or key file is left behind.
            // Each test's portal has a database of its own, so its idle pooled connections would only pile up until the
            // server refuses more (the background services of every portal open some).
            Npgsql.NpgsqlConnection.ClearAllPools();
            if (_sqliteFile is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (string file in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
                {
                    File.Delete(file);
                }
            }

            if (_ownsKeyFile)
            {
                File.Delete(KeyFile);
                foreach (string file in AuditAnchorFiles)
                {
                    File.Delete(file);
                }
            }
        }
    }
}
