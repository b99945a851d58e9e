using System.Net;
using System.Xml.Linq;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// An insider who can write the database but has no key file: Data Protection pointed at the live database writes a
/// key of its own into the ring, in the clear, and signs a Doctor's cookie and bearer token with it. The running portal
/// (which reads the ring again when it meets an unknown key id, and accepted both before it trusted only encrypted
/// keys) and a portal started afresh refuse both.
/// </summary>
public sealed class PlantedRingKeyTests
{
    private const string Doctor = "doctor@medcrypt.local";

    [Theory]
    [MemberData(nameof(AccountTests.Providers), MemberType = typeof(AccountTests))]
    public async Task A_key_written_into_the_ring_in_the_clear_signs_nothing_the_portal_accepts(string provider)
    {
        using PortalFactory portal = AccountTests.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await Api.SignedInAsync(portal, "staff@medcrypt.local"); // the portal's own ring key exists
        IdentityUser doctor;
        int ringBefore;
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            doctor = await db.Users.AsNoTracking().SingleAsync(u => u.Email == Doctor, ct);
            ringBefore = await db.DataProtectionKeys.CountAsync(ct);
        }

        using ServiceProvider insider = DatabaseCopy.DataProtectionOn(provider, portal.ConnectionString, makeKeys: true);
        IDataProtectionProvider planted = insider.GetRequiredService<IDataProtectionProvider>();
        string cookie = ForgedCredentials.Cookie(planted, doctor.Id, Doctor, Roles.Doctor, doctor.SecurityStamp!);
        string token = ForgedCredentials.BearerToken(planted, doctor.Id, Doctor, Roles.Doctor, doctor.SecurityStamp!);

        // The plant happened: a new key, stored in the clear, in the live database.
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            List<string?> ring = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(ct);
            Assert.True(ring.Count > ringBefore);
            Assert.Contains(ring, xml => XElement.Parse(xml!).Descendants().Any(d => d.Name.LocalName == "masterKey"));
        }

        // The running portal meets a key id it does not know and reads the ring again: it must still not trust the plant.
        Assert.False(await ForgedCredentials.CookieSignsInAsync(portal, cookie, Doctor));
        Assert.Equal(HttpStatusCode.Unauthorized, await ForgedCredentials.BearerStatusAsync(portal, token));

        // Started again, the portal revokes any key it finds in the clear, and ignores it besides.
        using var restarted = new PortalFactory(portal);
        Assert.False(await ForgedCredentials.CookieSignsInAsync(restarted, cookie, Doctor));
        Assert.Equal(HttpStatusCode.Unauthorized, await ForgedCredentials.BearerStatusAsync(restarted, token));

        // The portal's own credentials still work.
        IDataProtectionProvider own = restarted.Services.GetRequiredService<IDataProtectionProvider>();
        Assert.True(await ForgedCredentials.CookieSignsInAsync(restarted, ForgedCredentials.Cookie(own, doctor.Id, Doctor, Roles.Doctor, doctor.SecurityStamp!), Doctor));
    }
}
