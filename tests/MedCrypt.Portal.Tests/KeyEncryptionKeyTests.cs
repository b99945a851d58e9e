using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>Where the key-encryption key comes from: a key file made owner-only at the first start and checked at every start, or a certificate.</summary>
public sealed class KeyEncryptionKeyTests
{
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_first_start_makes_an_owner_only_key_file_that_the_next_start_reads()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        MasterKey first = await portal.Services.GetRequiredService<IKeyStore>().CurrentMasterKeyAsync(ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(portal.KeyFile));
        Assert.Equal(32, new FileInfo(portal.KeyFile).Length);
        byte[] file = await File.ReadAllBytesAsync(portal.KeyFile, ct);
        Assert.NotEqual(first.Key.Bytes.ToArray(), file); // the KEK wraps keys; it is none of them
        using var second = new PortalFactory(portal);
        MasterKey again = await second.Services.GetRequiredService<IKeyStore>().MasterKeyAsync(first.Id, ct);
        Assert.Equal(first.Key.Bytes.ToArray(), again.Key.Bytes.ToArray());
        Assert.Equal(file, await File.ReadAllBytesAsync(portal.KeyFile, ct)); // read, not replaced
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_key_file_others_can_read_stops_the_portal()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        await File.WriteAllBytesAsync(portal.KeyFile, RandomNumberGenerator.GetBytes(32), TestContext.Current.CancellationToken);
        File.SetUnixFileMode(portal.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        string error = Assert.ThrowsAny<Exception>(() => portal.Services).ToString();

        Assert.Contains($"chmod 600 {portal.KeyFile}", error, StringComparison.Ordinal);
        Assert.Contains("mode 644", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_or_a_missing_key_file_stops_the_portal_without_making_keys()
    {
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        await portal.Services.GetRequiredService<IKeyStore>().CurrentMasterKeyAsync(ct);

        string missing = Path.Combine(Path.GetTempPath(), $"medcrypt-missing-{Guid.NewGuid():N}.kek");
        using (var keyless = new PortalFactory("Sqlite", portal.ConnectionString, missing))
        {
            Assert.Contains("is missing", Assert.ThrowsAny<Exception>(() => keyless.Services).ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(missing));
        }

        string other = Path.Combine(Path.GetTempPath(), $"medcrypt-other-{Guid.NewGuid():N}.kek");
        try
        {
            using var wrong = new PortalFactory("Sqlite", portal.ConnectionString, other);
            File.WriteAllBytes(other, RandomNumberGenerator.GetBytes(32));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(other, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            Assert.Contains("does not unwrap under the configured key-encryption key", Assert.ThrowsAny<Exception>(() => wrong.Services).ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(other);
        }

        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Keys.CountAsync(ct)); // neither made a key
    }

    [Fact]
    public async Task A_certificate_instead_of_the_key_file_wraps_the_keys_and_the_key_ring()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string pfx = Path.Combine(Path.GetTempPath(), $"medcrypt-kek-{Guid.NewGuid():N}.pfx");
        string variable = $"MEDCRYPT_TEST_KEK_PASSWORD_{Guid.NewGuid():N}";
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        using (RSA rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=MedCrypt key encryption (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, password), ct);
        }

        Environment.SetEnvironmentVariable(variable, password);
        try
        {
            using PortalFactory portal = PortalFactory.Create("Sqlite");
            portal.Settings["KeyEncryption:CertificateFile"] = pfx;
            portal.Settings["KeyEncryption:CertificatePasswordVariable"] = variable;
            MasterKey master = await portal.Services.GetRequiredService<IKeyStore>().CurrentMasterKeyAsync(ct);
            HttpClient client = portal.CreateClient(new() { AllowAutoRedirect = false });
            Assert.Equal(System.Net.HttpStatusCode.Redirect, (await FormSignIn.SignInAsync(client, "staff@medcrypt.local", PortalFactory.DemoPassword)).StatusCode);
            Assert.Contains("staff@medcrypt.local", await client.GetStringAsync("/", ct));

            Assert.False(File.Exists(portal.KeyFile)); // no key file is made
            await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
            {
                PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                byte[] stored = (await db.Keys.SingleAsync(k => k.Id == master.Id, ct)).ProtectedKey;
                Assert.Equal("MCR"u8.ToArray(), stored[..3]);
                XElement[] ring = [.. (await db.DataProtectionKeys.ToListAsync(ct)).Select(k => XElement.Parse(k.Xml!)).Where(e => e.Name.LocalName == "key")];
                Assert.NotEmpty(ring);
                Assert.All(ring, key => Assert.Contains(
                    key.Descendants(), d => d.Name.LocalName == "encryptedSecret" && ((string?)d.Attribute("decryptorType"))!.Contains("EncryptedXmlDecryptor", StringComparison.Ordinal)));
                Assert.All(ring, key => Assert.DoesNotContain(key.Descendants(), d => d.Name.LocalName == "masterKey"));
            }

            // A second instance with the same certificate reads the same keys and accepts the first one's session.
            using var second = new PortalFactory(portal);
            second.Settings["KeyEncryption:CertificateFile"] = pfx;
            second.Settings["KeyEncryption:CertificatePasswordVariable"] = variable;
            MasterKey again = await second.Services.GetRequiredService<IKeyStore>().MasterKeyAsync(master.Id, ct);
            Assert.Equal(master.Key.Bytes.ToArray(), again.Key.Bytes.ToArray());
            await using AsyncServiceScope users = portal.Services.CreateAsyncScope();
            Microsoft.AspNetCore.Identity.IdentityUser staff = (await users.ServiceProvider
                .GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Microsoft.AspNetCore.Identity.IdentityUser>>().FindByEmailAsync("staff@medcrypt.local"))!;
            string cookie = ForgedCredentials.Cookie(
                portal.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(), staff.Id, staff.Email!, Roles.Staff, staff.SecurityStamp!);
            Assert.True(await ForgedCredentials.CookieSignsInAsync(second, cookie, "staff@medcrypt.local"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            File.Delete(pfx);
        }
    }
}
