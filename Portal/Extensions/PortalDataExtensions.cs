using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Keys;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.KeyEncryption;
using MedCrypt.Portal.Live;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Extensions;

internal static class PortalDataExtensions
{
    /// <summary>The database (SQLite by default, PostgreSQL when configured), the audit log and the key store on it.</summary>
    public static void AddPortalData(this IHostApplicationBuilder builder)
    {
        DatabaseOptions database = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        builder.Services.AddSingleton(database);
        string connection = builder.Services.AddPortalDbContext(database);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            // Other instances' new studies reach this one's dashboards (LISTEN/NOTIFY).
            builder.Services.AddSingleton(s => ActivatorUtilities.CreateInstance<PostgresStudyListener>(s, connection));
            builder.Services.AddHostedService(s => s.GetRequiredService<PostgresStudyListener>());
        }

        DatabaseErrorInterceptor.AddTo(builder.Services); // failed commands and connections counted (medcrypt.database.errors)
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IAuditStore, EfAuditStore>();
        IDataProtectionBuilder dataProtection = builder.Services.AddDataProtection().SetApplicationName("MedCrypt").PersistKeysToDbContext<PortalDbContext>();
        builder.Services.AddSingleton<IKeyStore, EfKeyStore>();
        builder.AddKeyEncryption(dataProtection);
    }

    /// <summary>
    /// The portal's DbContext on the configured provider (the portal and its offline commands alike); SQLite's default
    /// file is App_Data/medcrypt.db under the working directory (Portal/ under dotnet run).
    /// </summary>
    /// <param name="readOnly">Open the default SQLite file read-only (an offline check must not create or change it).</param>
    /// <returns>The connection string in use.</returns>
    public static string AddPortalDbContext(this IServiceCollection services, DatabaseOptions database, bool readOnly = false)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            string connection = database.ConnectionString
                ?? throw new InvalidOperationException("Database:Provider is Postgres but Database:ConnectionString is empty.");
            services.AddDbContext<PortalDbContext, PostgresPortalDbContext>(o => o.UseNpgsql(connection));
            return connection;
        }

        string sqlite = database.ConnectionString
            ?? (readOnly ? $"Data Source={Path.Combine(Directory.GetCurrentDirectory(), "App_Data", "medcrypt.db")};Mode=ReadOnly" : $"Data Source={Path.Combine(AppDataFolder(Directory.GetCurrentDirectory()), "medcrypt.db")}");
        services.AddDbContext<PortalDbContext, SqlitePortalDbContext>(o => o.UseSqlite(sqlite));
        return sqlite;
    }

    /// <summary>
    /// Creates or migrates the database, checks the key-encryption key and upgrades what predates it (keys, then clear
    /// protected images, which need the keys), and seeds roles and accounts, before the portal takes requests.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await using AsyncServiceScope scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.MigrateAsync();
        await scope.ServiceProvider.GetRequiredService<KeyEncryptionUpgrade>().RunAsync(CancellationToken.None);
        if (await app.Services.GetRequiredService<SealClearProtectedImages>().RunAsync(CancellationToken.None) is int sealedNow && sealedNow > 0)
        {
            app.Logger.LogInformation("Sealed {Count} protected images stored in the clear by an earlier version", sealedNow);
        }

        await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().SeedAsync();
    }

    /// <summary>The embedded database's folder: App_Data under the working directory (Portal/ under dotnet run, ignored by git), owner-only.</summary>
    public static string AppDataFolder(string workingDirectory)
    {
        string folder = Path.Combine(workingDirectory, "App_Data");
        // Owner only: SQLite creates the database, its WAL and shared memory world-readable (0644) otherwise, which
        // makes every local account a database reader (file names, verdicts, pseudonyms, the audit log).
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // before SQLite opens it; also a folder an earlier version made
        }

        return folder;
    }
}
