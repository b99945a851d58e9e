using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using MedCrypt.Domain.Access;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// An insider who can write the database but has no key file. Each plant is something the portal once accepted from
/// an earlier version, or accepted before it checked: a Data Protection key of their own (in the clear, or "encrypted"
/// with Data Protection's null encryptor) to sign a Doctor's cookie and bearer token; an authenticator secret in the
/// clear; a key-store key in the earlier format. None is trusted, by the running portal or by one started afresh.
/// </summary>
public sealed class DatabaseWriterAttackTests
{
    private const string Doctor = "doctor@medcrypt.local";

    public static TheoryData<string, string> Plants() => new() { { "Sqlite", "clear" }, { "Sqlite", "null-encryptor" }, { "Postgres", "clear" }, { "Postgres", "null-encryptor" } };

    [Theory]
    [MemberData(nameof(Plants))]
    public async Task A_ring_key_written_without_the_key_encryption_key_signs_nothing_the_portal_accepts(string provider, string plant)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await Api.SignedInAsync(portal, "staff@medcrypt.local"); // the portal's own ring key exists
        IdentityUser doctor = await DoctorAsync(portal, ct);
        int ringBefore = (await RingAsync(portal, ct)).Count;

        using ServiceProvider insider = DatabaseCopy.DataProtectionOn(provider, portal.ConnectionString, makeKeys: true, services =>
        {
            if (plant == "null-encryptor")
            {
                services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new NullXmlEncryptor());
            }
        });
        IDataProtectionProvider planted = insider.GetRequiredService<IDataProtectionProvider>();
        string cookie = ForgedCredentials.Cookie(planted, doctor.Id, Doctor, Roles.Doctor, doctor.SecurityStamp!);
        string token = ForgedCredentials.BearerToken(planted, doctor.Id, Doctor, Roles.Doctor, doctor.SecurityStamp!);

        // The plant happened: a new key with its secret readable, in the live database.
        List<string?> ring = await RingAsync(portal, ct);
        Assert.True(ring.Count > ringBefore);
        Assert.Contains(ring, xml => XElement.Parse(xml!).Descendants().Any(d => d.Name.LocalName == "masterKey"));

        // The running portal meets a key id it does not know and reads the ring again (it accepted the clear plant
        // before it trusted only its own encryptor's keys): it must still refuse.
        Assert.False(await ForgedCredentials.CookieSignsInAsync(portal, cookie, Doctor));
        Assert.Equal(HttpStatusCode.Unauthorized, await ForgedCredentials.BearerStatusAsync(portal, token));

        using var restarted = new PortalFactory(portal);
        Assert.False(await ForgedCredentials.CookieSignsInAsync(restarted, cookie, Doctor));
        Assert.Equal(HttpStatusCode.Unauthorized, await ForgedCredentials.BearerStatusAsync(restarted, token));
        IDataProtectionProvider own = restarted.Services.GetRequiredService<IDataProtectionProvider>();
        Assert.True(await ForgedCredentials.CookieSignsInAsync(restarted, ForgedCredentials.Cookie(own, doctor.Id, Doctor, Roles.Doctor, doctor.SecurityStamp!), Doctor));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task An_authenticator_secret_written_in_the_clear_signs_no_one_in(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        // The demo doctor comes enrolled: its authenticator key is stored under the KEK.
        const string Chosen = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            IdentityUser doctor = await db.Users.SingleAsync(u => u.Email == Doctor, ct);
            await db.UserTokens.Where(t => t.UserId == doctor.Id && t.Name == "AuthenticatorKey").ExecuteUpdateAsync(t => t.SetProperty(r => r.Value, Chosen), ct);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await TwoFactorSignInAsync(portal, Chosen, ct));
        using var restarted = new PortalFactory(portal);
        Assert.Equal(HttpStatusCode.Unauthorized, await TwoFactorSignInAsync(restarted, Chosen, ct));
        Assert.Equal(Chosen, await AuthenticatorTokenAsync(restarted, ct)); // left as written, never adopted by the start-up upgrade
    }

    private static async Task<HttpStatusCode> TwoFactorSignInAsync(PortalFactory portal, string authenticatorKey, CancellationToken ct) =>
        (await portal.CreateClient().PostAsJsonAsync(
            "/api/v1/auth/login", new { email = Doctor, password = PortalFactory.DemoPassword, twoFactorCode = Totp.Code(authenticatorKey, DateTimeOffset.UtcNow) }, ct)).StatusCode;

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_key_store_key_in_the_earlier_format_is_refused_after_the_upgrade(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(portal, "staff@medcrypt.local");
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "pixel-shuffle"), ct)).StatusCode);

        // A master key of the insider's choosing, protected the way the earlier version stored keys, made active.
        byte[] chosen = new byte[32];
        IDataProtector legacy = portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("MedCrypt.KeyStore.v1");
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await db.Keys.Where(k => k.Purpose == "master").ExecuteUpdateAsync(k => k.SetProperty(r => r.Active, false), ct);
            db.Keys.Add(new KeyRecord { Id = "master-planted", Purpose = "master", ProtectedKey = legacy.Protect(chosen), CreatedBy = "insider", Active = true });
            await db.SaveChangesAsync(ct);
        }

        // The running portal seals nothing under it: the upload fails instead of landing under a key the insider knows.
        HttpResponseMessage upload = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan2.png", "pixel-shuffle"), ct);
        Assert.NotEqual(HttpStatusCode.Created, upload.StatusCode);
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.CountAsync(ct));
        }

        // A portal started on the database refuses to start rather than adopt it.
        using var restarted = new PortalFactory(portal);
        Assert.Contains("earlier version's format", Assert.ThrowsAny<Exception>(() => restarted.Services).ToString(), StringComparison.Ordinal);
    }

    private static async Task<IdentityUser> DoctorAsync(PortalFactory portal, CancellationToken ct)
    {
        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Users.AsNoTracking().SingleAsync(u => u.Email == Doctor, ct);
    }

    private static async Task<List<string?>> RingAsync(PortalFactory portal, CancellationToken ct)
    {
        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(ct);
    }

    private static async Task<string?> AuthenticatorTokenAsync(PortalFactory portal, CancellationToken ct)
    {
        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        string doctorId = await db.Users.Where(u => u.Email == Doctor).Select(u => u.Id).SingleAsync(ct);
        return await db.UserTokens.AsNoTracking().Where(t => t.UserId == doctorId && t.Name == "AuthenticatorKey").Select(t => t.Value).SingleOrDefaultAsync(ct);
    }
}
