using System.Security.Cryptography;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// What the portal wrote before the key-encryption key, written the way it wrote it: Data Protection on the database
/// with no XML encryptor (its keys in plain XML), key records under the protector "MedCrypt.KeyStore.v1", and
/// Identity's stock EF Core user store (authenticator secrets and recovery codes in plain text).
/// </summary>
internal sealed class LegacyPortal : IDisposable
{
    private readonly ServiceProvider _services;

    private LegacyPortal(ServiceProvider services) => _services = services;

    public IDataProtectionProvider DataProtection => _services.GetRequiredService<IDataProtectionProvider>();

    public static async Task<LegacyPortal> CreateAsync(PortalFactory portal)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (portal.Provider == "Postgres")
        {
            services.AddDbContext<PortalDbContext, PostgresPortalDbContext>(o => o.UseNpgsql(portal.ConnectionString));
        }
        else
        {
            services.AddDbContext<PortalDbContext, SqlitePortalDbContext>(o => o.UseSqlite(portal.ConnectionString));
        }

        services.AddDataProtection().SetApplicationName("MedCrypt").PersistKeysToDbContext<PortalDbContext>();
        services.AddIdentityCore<IdentityUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<PortalDbContext>().AddDefaultTokenProviders();
        var legacy = new LegacyPortal(services.BuildServiceProvider());
        await using AsyncServiceScope scope = legacy._services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.MigrateAsync(TestContext.Current.CancellationToken);
        return legacy;
    }

    /// <summary>A key record as EfKeyStore wrote it; returns its id and bytes.</summary>
    public async Task<(string Id, byte[] Key)> AddKeyAsync(string purpose)
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        string id = $"{purpose}-20260101000000-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        await using AsyncServiceScope scope = _services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Keys.Add(new KeyRecord
        {
            Id = id,
            Purpose = purpose,
            ProtectedKey = DataProtection.CreateProtector("MedCrypt.KeyStore.v1").Protect(key),
            CreatedAt = DateTimeOffset.UtcNow,
            CreatedBy = "system",
            Active = true,
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return (id, key);
    }

    /// <summary>An account with the demo password; with an authenticator enrolled, its shared key and recovery codes.</summary>
    public async Task<(IdentityUser User, string? SharedKey, string[] RecoveryCodes)> AddUserAsync(string email, string role, bool authenticator)
    {
        await using AsyncServiceScope scope = _services.CreateAsyncScope();
        RoleManager<IdentityRole> roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (!await roles.RoleExistsAsync(role))
        {
            Assert.True((await roles.CreateAsync(new IdentityRole(role))).Succeeded);
        }

        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, PortalFactory.DemoPassword)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        if (!authenticator)
        {
            return (user, null, []);
        }

        await users.ResetAuthenticatorKeyAsync(user);
        string sharedKey = (await users.GetAuthenticatorKeyAsync(user))!;
        await users.SetTwoFactorEnabledAsync(user, true);
        string[] codes = [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!];
        return (await users.FindByIdAsync(user.Id) ?? user, sharedKey, codes);
    }

    public void Dispose()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
