using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// An installation from before the key-encryption key, upgraded by starting this version on its database: every key
/// keeps its bytes (so what was sealed under it opens), the authenticator keeps working while its secrets become
/// encrypted, and the unencrypted Data Protection keys are revoked once, so what they signed is refused.
/// </summary>
public sealed class KeyEncryptionUpgradeTests
{
    private const string Doctor = "doctor@medcrypt.local";
    private const string Admin = "admin@medcrypt.local";

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task What_the_earlier_version_stored_moves_under_the_key_file_and_nothing_is_lost(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider); // not started yet: first the earlier version writes
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] scan = TestStudies.Scan(7);
        Guid studyId = Guid.NewGuid();
        (string Id, byte[] Key) master, block;
        IdentityUser doctor;
        string sharedKey;
        string[] recoveryCodes;
        string oldCookie, oldToken;
        using (LegacyPortal old = await LegacyPortal.CreateAsync(portal))
        {
            master = await old.AddKeyAsync("master");
            block = await old.AddKeyAsync("block");
            (doctor, string? key, recoveryCodes) = await old.AddUserAsync(Doctor, Roles.Doctor, authenticator: true);
            sharedKey = key!;
            await old.AddUserAsync(Admin, Roles.Admin, authenticator: false);
            oldCookie = ForgedCredentials.Cookie(old.DataProtection, doctor.Id, Doctor, Roles.Doctor, doctor.SecurityStamp!);
            oldToken = ForgedCredentials.BearerToken(old.DataProtection, doctor.Id, Doctor, Roles.Doctor, doctor.SecurityStamp!);
        }

        byte[] envelope = EnvelopeCipher.Seal(scan, StudyAnalyser.OriginalContext(studyId), new MasterKey(master.Id, SecretKey.FromBytes(master.Key)));
        Guid[] oldRing;
        await using (PortalDbContext db = Open(portal))
        {
            oldRing = [.. (await db.DataProtectionKeys.AsNoTracking().ToListAsync(ct)).Select(k => XElement.Parse(k.Xml!)).Where(e => e.Name.LocalName == "key").Select(e => (Guid)e.Attribute("id")!)];
            Assert.NotEmpty(oldRing);
            Assert.Equal(sharedKey, (await db.UserTokens.AsNoTracking().SingleAsync(t => t.UserId == doctor.Id && t.Name == "AuthenticatorKey", ct)).Value); // plain, as before
        }

        Assert.False(File.Exists(portal.KeyFile));

        // This version starts on the database: a key file is made, and everything moves under it.
        IKeyStore keys = portal.Services.GetRequiredService<IKeyStore>();
        Assert.True(File.Exists(portal.KeyFile));
        MasterKey upgraded = await keys.MasterKeyAsync(master.Id, ct);
        Assert.Equal(master.Key, upgraded.Key.Bytes.ToArray());
        Assert.Equal(master.Id, (await keys.CurrentMasterKeyAsync(ct)).Id);
        SecretKey blockKey = await keys.SchemeKeyAsync(block.Id, ct);
        Assert.Equal(block.Key, blockKey.Bytes.ToArray());
        Assert.Equal(scan, EnvelopeCipher.Open(envelope, StudyAnalyser.OriginalContext(studyId), upgraded));
        await using (PortalDbContext db = Open(portal))
        {
            List<KeyRecord> rows = await db.Keys.AsNoTracking().ToListAsync(ct);
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.Equal("MCW"u8.ToArray(), r.ProtectedKey[..3])); // no Data Protection payload left
            Assert.All(rows, r => Assert.True(r.ProtectedKey.AsSpan().IndexOf((r.Purpose == "master" ? master.Key : block.Key).AsSpan(0, 8)) < 0));
            List<IdentityUserToken<string>> tokens = await db.UserTokens.AsNoTracking().Where(t => t.UserId == doctor.Id).ToListAsync(ct);
            Assert.Equal(2, tokens.Count); // the authenticator secret and the recovery codes
            Assert.All(tokens, t => Assert.StartsWith("kek1:", t.Value, StringComparison.Ordinal));
            Assert.All(tokens, t => Assert.DoesNotContain(sharedKey, t.Value!, StringComparison.Ordinal));
            Assert.All(tokens, t => Assert.DoesNotContain(recoveryCodes[0], t.Value!, StringComparison.Ordinal));
        }

        // The old ring's keys are revoked: what they signed no longer signs in.
        IKeyManager ring = portal.Services.GetRequiredService<IKeyManager>();
        Assert.All(ring.GetAllKeys().Where(k => oldRing.Contains(k.KeyId)), k => Assert.True(k.IsRevoked));
        Assert.False(await ForgedCredentials.CookieSignsInAsync(portal, oldCookie, Doctor));
        Assert.Equal(HttpStatusCode.Unauthorized, await ForgedCredentials.BearerStatusAsync(portal, oldToken));
        string stamp = (await FindAsync(portal, Doctor)).SecurityStamp!;
        string newCookie = ForgedCredentials.Cookie(portal.Services.GetRequiredService<IDataProtectionProvider>(), doctor.Id, Doctor, Roles.Doctor, stamp);
        Assert.True(await ForgedCredentials.CookieSignsInAsync(portal, newCookie, Doctor)); // the same cookie from the new ring is accepted

        // The authenticator and the recovery codes enrolled before the upgrade still sign in.
        HttpClient api = portal.CreateClient();
        HttpResponseMessage login = await api.PostAsJsonAsync(
            "/api/v1/auth/login", new { email = Doctor, password = PortalFactory.DemoPassword, twoFactorCode = Totp.Code(sharedKey, DateTimeOffset.UtcNow) }, ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await portal.CreateClient().PostAsJsonAsync(
            "/api/v1/auth/login", new { email = Doctor, password = PortalFactory.DemoPassword, twoFactorRecoveryCode = recoveryCodes[1] }, ct)).StatusCode);

        // New studies are sealed under the upgraded master key and open for the doctor. (The administrator, who had
        // no authenticator before the upgrade, now gets no token until they enrol.)
        await Api.AssertProblemAsync(await portal.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = Admin, password = PortalFactory.DemoPassword }, ct), HttpStatusCode.Forbidden);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString());
        HttpResponseMessage created = await api.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Guid id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/studies/{id}/image/original", ct)).StatusCode);

        // A second instance (or the next start) revokes nothing more: the new session holds, the keys read the same.
        using var second = new PortalFactory(portal);
        Assert.True(await ForgedCredentials.CookieSignsInAsync(second, newCookie, Doctor));
        MasterKey again = await second.Services.GetRequiredService<IKeyStore>().MasterKeyAsync(master.Id, ct);
        Assert.Equal(master.Key, again.Key.Bytes.ToArray());
        Assert.Equal(ring.GetAllKeys().Count(k => k.IsRevoked), second.Services.GetRequiredService<IKeyManager>().GetAllKeys().Count(k => k.IsRevoked));
    }

    private static PortalDbContext Open(PortalFactory portal) => portal.Provider == "Postgres"
        ? new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(portal.ConnectionString).Options)
        : new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(portal.ConnectionString).Options);

    private static async Task<IdentityUser> FindAsync(PortalFactory portal, string email)
    {
        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(email))!;
    }
}
