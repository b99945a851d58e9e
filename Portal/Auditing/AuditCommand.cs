using System.Diagnostics;
using System.Globalization;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.Extensions;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Auditing;

/// <summary>
/// <c>dotnet run --project Portal -- audit verify [--heads FILE] [--public-key FILE]</c>: verifies the configured
/// database (SQLite or PostgreSQL, from appsettings.json and the environment) against the published heads without
/// starting the web host, using only the public key. One line out; exit 0 valid, 1 invalid, 2 unusable.
/// <c>audit verify --entries N [--postgres SERVER]</c> instead measures it: N generated entries in a throwaway SQLite
/// (or PostgreSQL) database under one signed head, then verified, with entries/s.
/// </summary>
public static class AuditCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            if (args is not ["verify", ..])
            {
                await output.WriteLineAsync("usage: audit verify [--heads FILE] [--public-key FILE] | audit verify --entries N");
                return 2;
            }

            string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
            if (Option("--entries") is { } entries)
            {
                return await BenchmarkAsync(long.Parse(entries, CultureInfo.InvariantCulture), Option("--postgres"), output);
            }

            IConfiguration configuration = Configuration();
            AuditAnchorOptions options = AuditAnchorOptions.Resolve(configuration);
            string heads = Path.GetFullPath(Option("--heads") ?? options.HeadsFile!);
            string publicKey = Path.GetFullPath(Option("--public-key") ?? options.PublicKeyFile!);
            if (!File.Exists(publicKey))
            {
                await output.WriteLineAsync($"cannot verify: no public key at {publicKey}");
                return 2;
            }

            if (!File.Exists(heads))
            {
                await output.WriteLineAsync($"cannot verify: no heads file at {heads} (it was deleted or moved; restore it from its copy)");
                return 2;
            }

            using TreeHeadKey key = TreeHeadKey.FromPem(await File.ReadAllTextAsync(publicKey));
            await using ServiceProvider services = Database(configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions());
            var stopwatch = Stopwatch.StartNew();
            AuditVerification result = await AuditVerifier.VerifyAsync(
                new EfAuditStore(services.GetRequiredService<IServiceScopeFactory>()).ReadAllAsync(CancellationToken.None), TreeHeadFile.Read(heads), key, CancellationToken.None);
            await output.WriteLineAsync($"audit log {result.Verdict()} (heads {heads}, key {key.KeyId[..16]}…, {stopwatch.Elapsed.TotalSeconds:F1} s)");
            return result.Valid ? 0 : 1;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or System.Security.Cryptography.CryptographicException or System.Data.Common.DbException or ArgumentException)
        {
            await output.WriteLineAsync($"cannot verify: {e.Message}");
            return 2;
        }
    }

    /// <summary>The portal's configuration (appsettings.json, appsettings.{environment}.json, the environment), as the web host reads them.</summary>
    private static IConfiguration Configuration()
    {
        string environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
    }

    private static ServiceProvider Database(DatabaseOptions database, bool readOnly = true)
    {
        var services = new ServiceCollection();
        services.AddPortalDbContext(database, readOnly);
        return services.BuildServiceProvider();
    }

    /// <param name="postgresServer">A PostgreSQL server (connection string without a database) to measure on instead of SQLite: a throwaway database is made there and dropped.</param>
    private static async Task<int> BenchmarkAsync(long count, string? postgresServer, TextWriter output)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"medcrypt-audit-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string database = $"medcrypt_audit_bench_{Guid.NewGuid():N}";
        DatabaseOptions options = postgresServer is null
            ? new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(folder, "bench.db")}" }
            : new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = $"{postgresServer};Database={database}" };
        try
        {
            await using (ServiceProvider services = Database(options))
            {
                await using (AsyncServiceScope scope = services.CreateAsyncScope())
                {
                    PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                    await db.Database.MigrateAsync();
                }

                using TreeHeadSigner signer = TreeHeadSigner.FromSeed(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                var heads = new List<PublishedHead>();
                var write = Stopwatch.StartNew();
                await GenerateAsync(services, count, signer, heads);
                await output.WriteLineAsync($"wrote {count} entries and {heads.Count} signed heads in {write.Elapsed.TotalSeconds:F1} s");

                var verify = Stopwatch.StartNew();
                AuditVerification result = await AuditVerifier.VerifyAsync(
                    new EfAuditStore(services.GetRequiredService<IServiceScopeFactory>()).ReadAllAsync(CancellationToken.None), heads, signer.PublicKey, CancellationToken.None);
                double seconds = verify.Elapsed.TotalSeconds;
                await output.WriteLineAsync(
                    $"audit log {result.Verdict()}; verified in {seconds:F1} s: {result.Entries / seconds:N0} entries/s ({options.Provider}, {Environment.ProcessorCount} cores, working set afterwards {Environment.WorkingSet / (1 << 20)} MiB)");
                return result.Valid ? 0 : 1;
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
            if (postgresServer is not null)
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await using var server = new Npgsql.NpgsqlConnection($"{postgresServer};Database=postgres");
                await server.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\"", server);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    /// <summary>Entries chained as the portal chains them, written in batches of 10,000; one signed head over all of them.</summary>
    private static async Task GenerateAsync(ServiceProvider services, long count, TreeHeadSigner signer, List<PublishedHead> heads)
    {
        var tree = new MerkleRootBuilder();
        AuditEvent? previous = null;
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        byte[] leaf = new byte[AuditChain.HashSize];
        const int Batch = 10_000;
        for (long done = 0; done < count;)
        {
            await using AsyncServiceScope scope = services.CreateAsyncScope();
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (int i = 0; i < Batch && done < count; i++, done++)
            {
                previous = AuditChain.Append(previous, start.AddSeconds(done), $"user{done % 7}@medcrypt.local", done % 3 == 0 ? "study.analysed" : "original.viewed",
                    $"study/{done / 3}", AuditOutcome.Succeeded, $"bench entry {done}");
                db.AuditRecords.Add(AuditRecord.From(previous));
                AuditChain.ComputeHash(previous, leaf);
                tree.Append(leaf);
            }

            await db.SaveChangesAsync();
        }

        heads.Add(new PublishedHead(1, signer.Sign(tree.Size, tree.Root(), DateTimeOffset.UtcNow, null, []), null));
    }
}
