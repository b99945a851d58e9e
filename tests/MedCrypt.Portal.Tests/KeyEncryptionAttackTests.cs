using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// The outside review's attack, on SQLite and PostgreSQL: after uploads and a doctor's authenticator enrolment, a
/// backup of the database alone — everything it holds, nothing else — opens no original, no key, no authenticator
/// secret and forges no session the running portal accepts. With the key file added, a portal on the same copy opens
/// every original and the doctor's authenticator works. Each refusal is checked against the same attempt with the
/// right key succeeding, so the attempts are real ones.
/// </summary>
public sealed class KeyEncryptionAttackTests
{
    private const string Doctor = "new-doctor@medcrypt.local"; // enrols in the test (the demo doctor comes enrolled)

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_copy_of_the_database_opens_nothing_and_signs_nothing_until_the_key_file_is_added(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;

        // The doctor enrols an authenticator on the account page.
        (string sharedKey, string[] recoveryCodes) = await EnrolAsync(portal);

        // Uploads under two master keys, and the originals as the doctor sees them.
        HttpClient staff = await Api.SignedInAsync(portal, "staff@medcrypt.local");
        HttpClient doctor = await Api.SignedInAsync(portal, Doctor, sharedKey);
        var originals = new Dictionary<Guid, byte[]>();
        for (int i = 0; i < 3; i++)
        {
            if (i == 2)
            {
                await portal.Services.GetRequiredService<IKeyStore>().RotateMasterKeyAsync("admin@medcrypt.local", ct);
            }

            HttpResponseMessage created = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(i), $"scan-{i}.png", i switch { 0 => "pixel-shuffle", 1 => "logistic-sine", _ => "block" }), ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Guid id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
            originals[id] = await doctor.GetByteArrayAsync($"/api/v1/studies/{id}/image/original", ct);
        }

        using DatabaseCopy copy = await DatabaseCopy.TakeAsync(portal);
        await using PortalDbContext stolen = copy.Open();
        List<KeyRecord> keyRows = await stolen.Keys.AsNoTracking().ToListAsync(ct);
        List<StudyRecord> studies = await stolen.Studies.AsNoTracking().ToListAsync(ct);
        List<DataProtectionKey> ring = await stolen.DataProtectionKeys.AsNoTracking().ToListAsync(ct);
        List<IdentityUserToken<string>> tokens = await stolen.UserTokens.AsNoTracking().ToListAsync(ct);
        IdentityUser doctorRow = await stolen.Users.AsNoTracking().SingleAsync(u => u.Email == Doctor, ct);
        Assert.Equal(originals.Keys.Order(), studies.Select(s => s.Id).Order());
        Assert.Equal(2, keyRows.Count(k => k.Purpose == "master"));
        Assert.NotEmpty(ring);
        Assert.Contains(Doctor, Encoding.UTF8.GetString(copy.Bytes)); // the copy is readable: what it lacks is the keys

        // 1. Every key row, through Data Protection as the earlier version stored them, with the copied ring.
        using ServiceProvider readOnlyRing = copy.DataProtection(makeKeys: false);
        IDataProtector keyStoreProtector = readOnlyRing.GetRequiredService<IDataProtectionProvider>().CreateProtector("MedCrypt.KeyStore.v1");
        Assert.DoesNotContain(keyRows, row => Opens(() => keyStoreProtector.Unprotect(row.ProtectedKey)));

        // 2. Every sealed original and protected image with every candidate key the copy holds: every 32-byte window of every key row, of every
        //    base64 value in the key ring and of every user token.
        List<byte[]> candidates = [.. keyRows.SelectMany(k => Windows(k.ProtectedKey))];
        candidates.AddRange(ring.SelectMany(k => XElement.Parse(k.Xml!).DescendantsAndSelf()).Where(e => !e.HasElements).SelectMany(e => Windows(Base64(e.Value))));
        candidates.AddRange(tokens.SelectMany(t => Windows(Base64(t.Value!.Split(':')[^1]))));
        Assert.True(candidates.Count > 100, $"only {candidates.Count} candidate keys");
        Assert.Equal(0, studies.Sum(s => candidates.Count(key => OriginalOpensWith(s, key) || ProtectedOpensWith(s, key))));
        IKeyStore keyStore = portal.Services.GetRequiredService<IKeyStore>();
        List<byte[]> real = [];
        foreach (KeyRecord master in keyRows.Where(k => k.Purpose == "master"))
        {
            real.Add((await keyStore.MasterKeyAsync(master.Id, ct)).Key.Bytes.ToArray());
        }

        // The same attempt with the right keys opens each one.
        Assert.All(studies, s => Assert.Contains(real, key => OriginalOpensWith(s, key) && ProtectedOpensWith(s, key)));

        // 3. The Data Protection ring: every key's secret encrypted, none readable from the copy.
        XElement[] ringKeys = [.. ring.Select(k => XElement.Parse(k.Xml!)).Where(e => e.Name.LocalName == "key")];
        Assert.NotEmpty(ringKeys);
        Assert.All(ringKeys, key =>
        {
            Assert.Contains(key.Descendants(), d => d.Name.LocalName == "encryptedSecret");
            Assert.DoesNotContain(key.Descendants(), d => d.Name.LocalName == "masterKey");
        });
        IReadOnlyCollection<IKey> copiedKeys = readOnlyRing.GetRequiredService<IKeyManager>().GetAllKeys();
        Assert.Equal(ringKeys.Length, copiedKeys.Count);
        Assert.DoesNotContain(copiedKeys, k => Opens(() => k.Descriptor));

        // 4. The authenticator secret and the recovery codes: not in the copy in any form the attacker can read.
        string raw = Encoding.UTF8.GetString(copy.Bytes);
        Assert.DoesNotContain(sharedKey.Replace(" ", "", StringComparison.Ordinal), raw, StringComparison.OrdinalIgnoreCase);
        Assert.All(recoveryCodes, code => Assert.DoesNotContain(code, raw, StringComparison.Ordinal));
        Assert.Contains(tokens, t => t.UserId == doctorRow.Id && t.Name == "AuthenticatorKey");
        Assert.All(tokens, t => Assert.DoesNotContain(sharedKey, t.Value!, StringComparison.OrdinalIgnoreCase));

        // 5. A cookie and a bearer token minted with Data Protection on the copied ring (which makes a key of its own, as
        //    it cannot read the ring's): the running portal refuses both, and accepts both minted with its own ring.
        using ServiceProvider forger = copy.DataProtection(makeKeys: true);
        IDataProtectionProvider forged = forger.GetRequiredService<IDataProtectionProvider>();
        string stamp = doctorRow.SecurityStamp!;
        Assert.False(await ForgedCredentials.CookieSignsInAsync(portal, ForgedCredentials.Cookie(forged, doctorRow.Id, Doctor, Roles.Doctor, stamp), Doctor));
        Assert.Equal(HttpStatusCode.Unauthorized, await ForgedCredentials.BearerStatusAsync(portal, ForgedCredentials.BearerToken(forged, doctorRow.Id, Doctor, Roles.Doctor, stamp)));
        IDataProtectionProvider own = portal.Services.GetRequiredService<IDataProtectionProvider>();
        Assert.True(await ForgedCredentials.CookieSignsInAsync(portal, ForgedCredentials.Cookie(own, doctorRow.Id, Doctor, Roles.Doctor, stamp), Doctor));
        Assert.Equal(HttpStatusCode.OK, await ForgedCredentials.BearerStatusAsync(portal, ForgedCredentials.BearerToken(own, doctorRow.Id, Doctor, Roles.Doctor, stamp)));

        // Without its key file a portal on the copy does not start (and makes no new key).
        string missing = Path.Combine(Path.GetTempPath(), $"medcrypt-missing-{Guid.NewGuid():N}.kek");
        using (var keyless = new PortalFactory(provider, copy.ConnectionString, missing))
        {
            Assert.Contains("is missing", Assert.ThrowsAny<Exception>(() => keyless.Services).ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(missing));
        }

        // 6. With the key file: every original opens, and the doctor signs in with the authenticator and a recovery code.
        using var restored = new PortalFactory(provider, copy.ConnectionString, portal.KeyFile);
        HttpClient api = restored.CreateClient();
        HttpResponseMessage login = await api.PostAsJsonAsync(
            "/api/v1/auth/login", new { email = Doctor, password = PortalFactory.DemoPassword, twoFactorCode = Totp.Code(sharedKey, DateTimeOffset.UtcNow) }, ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString());
        foreach ((Guid id, byte[] original) in originals)
        {
            Assert.Equal(original, await api.GetByteArrayAsync($"/api/v1/studies/{id}/image/original", ct));
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/studies/{id}/image/protected", ct)).StatusCode);
        }

        HttpResponseMessage recovery = await restored.CreateClient().PostAsJsonAsync(
            "/api/v1/auth/login", new { email = Doctor, password = PortalFactory.DemoPassword, twoFactorRecoveryCode = recoveryCodes[0] }, ct);
        Assert.Equal(HttpStatusCode.OK, recovery.StatusCode);
    }

    /// <summary>A new doctor's enrolment as they do it on /account/two-factor: the shared key from the page, a code from it, the recovery codes shown once.</summary>
    internal static async Task<(string SharedKey, string[] RecoveryCodes)> EnrolAsync(PortalFactory portal)
    {
        await TestAccounts.CreateAsync(portal.Services, Doctor, PortalFactory.DemoPassword, Roles.Doctor, authenticatorKey: null);
        HttpClient client = portal.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(client, Doctor, PortalFactory.DemoPassword);
        string account = await client.GetStringAsync("/account/two-factor", TestContext.Current.CancellationToken);
        string sharedKey = WebUtility.HtmlDecode(AccountPages.SharedKey().Match(account).Groups[1].Value);
        Assert.False(string.IsNullOrWhiteSpace(sharedKey));
        string enabled = await AccountPages.PostAsync(client, "/account/two-factor", account, "enable-2fa", ("Enable.Code", Totp.Code(sharedKey, DateTimeOffset.UtcNow)));
        Assert.Contains("Two-factor sign-in is on.", enabled);
        string[] codes = WebUtility.HtmlDecode(AccountPages.RecoveryCodes().Match(enabled).Groups[1].Value).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, codes.Length);
        return (sharedKey, codes);
    }

    private static bool OriginalOpensWith(StudyRecord study, byte[] key) =>
        Opens(() => EnvelopeCipher.Open(study.SealedOriginal, StudyAnalyser.OriginalContext(study.Id), new MasterKey(EnvelopeCipher.ReadMasterKeyId(study.SealedOriginal), SecretKey.FromBytes(key))));

    private static bool ProtectedOpensWith(StudyRecord study, byte[] key) =>
        Opens(() => EnvelopeCipher.Open(
            study.SealedProtected, StudyAnalyser.ProtectedContext(study.Id, study.SchemeId, study.SchemeKeyId, study.ProtectedNonce), new MasterKey(EnvelopeCipher.ReadMasterKeyId(study.SealedProtected), SecretKey.FromBytes(key))));

    /// <summary>Whether an attempt gives a result; any failure — a refused tag, a key that cannot be read — is "no".</summary>
    private static bool Opens(Func<object> attempt)
    {
        try
        {
            return attempt() is not null;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static IEnumerable<byte[]> Windows(byte[] bytes)
    {
        for (int i = 0; i + SecretKey.SizeInBytes <= bytes.Length; i++)
        {
            yield return bytes.AsSpan(i, SecretKey.SizeInBytes).ToArray();
        }
    }

    private static byte[] Base64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), buffer, out int written) ? buffer[..written] : [];
    }
}
