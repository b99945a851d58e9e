using System.Diagnostics;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// A backup of a portal's database as an attacker would get one: SQLite's online backup of the file, or a real
/// <c>pg_dump</c> restored into a fresh database with <c>psql</c>. <see cref="Bytes"/> is the file or the dump itself.
/// </summary>
internal sealed class DatabaseCopy : IDisposable
{
    private readonly string _file;

    private DatabaseCopy(string provider, string connectionString, string file)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _file = file;
        Bytes = File.ReadAllBytes(file);
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    public byte[] Bytes { get; }

    public static async Task<DatabaseCopy> TakeAsync(PortalFactory portal)
    {
        string file = Path.Combine(Path.GetTempPath(), $"medcrypt-copy-{Guid.NewGuid():N}");
        if (portal.Provider != "Postgres")
        {
            file += ".db";
            using var source = new SqliteConnection(portal.ConnectionString);
            using var copy = new SqliteConnection($"Data Source={file};Pooling=False");
            source.Open();
            copy.Open();
            source.BackupDatabase(copy);
            return new DatabaseCopy(portal.Provider, $"Data Source={file}", file);
        }

        file += ".sql";
        var origin = new NpgsqlConnectionStringBuilder(portal.ConnectionString);
        await RunAsync("pg_dump", "--no-owner", "--no-privileges", "-h", origin.Host!, "-p", origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", origin.Username!, "-d", origin.Database!, "-f", file);
        var restored = new NpgsqlConnectionStringBuilder(portal.ConnectionString) { Database = $"medcrypt_copy_{Guid.NewGuid():N}" };
        await using (var server = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(portal.ConnectionString) { Database = "postgres" }.ConnectionString))
        {
            await server.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{restored.Database}\"", server);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await RunAsync("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", restored.Host!, "-p", restored.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", restored.Username!, "-d", restored.Database, "-f", file);
        return new DatabaseCopy(portal.Provider, restored.ConnectionString, file);
    }

    /// <summary>The copy through the portal's own model (the attacker has the code, only not the key file).</summary>
    public PortalDbContext Open() => Provider == "Postgres"
        ? new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(ConnectionString).Options)
        : new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(ConnectionString).Options);

    /// <summary>Data Protection on the copy's key ring, configured as the portal configures it, with no key-encryption key.</summary>
    public ServiceProvider DataProtection(bool makeKeys) => DataProtectionOn(Provider, ConnectionString, makeKeys);

    /// <summary>Data Protection on any portal database's key ring (a copy, or the live one an insider can write), with no key-encryption key.</summary>
    /// <param name="configure">More set-up, e.g. Data Protection's own null encryptor, which marks a clear key "encrypted".</param>
    public static ServiceProvider DataProtectionOn(string provider, string connectionString, bool makeKeys, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (provider == "Postgres")
        {
            services.AddDbContext<PortalDbContext, PostgresPortalDbContext>(o => o.UseNpgsql(connectionString));
        }
        else
        {
            services.AddDbContext<PortalDbContext, SqlitePortalDbContext>(o => o.UseSqlite(connectionString));
        }

        IDataProtectionBuilder builder = services.AddDataProtection().SetApplicationName("MedCrypt").PersistKeysToDbContext<PortalDbContext>();
        if (!makeKeys)
        {
            builder.DisableAutomaticKeyGeneration();
        }

        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    /// <summary>A PostgreSQL client program of the newest installed version (the clients run as any user; only the server refuses root).</summary>
    private static async Task RunAsync(string program, params string[] arguments)
    {
        string bin = Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => Version.Parse(Path.GetFileName(d) + ".0")).Last();
        var start = new ProcessStartInfo(Path.Combine(bin, "bin", program)) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{program} failed ({process.ExitCode}): {error}{await output}");
    }
}
