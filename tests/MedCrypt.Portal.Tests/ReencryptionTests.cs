using System.Security.Claims;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Re-encryption after a suspected compromise: every sealed payload (original and protected image) gets a fresh data
/// key under a new master key, nothing is lost when it is interrupted, and the next start of the portal finishes it.
/// </summary>
public sealed class ReencryptionTests
{
    private static Actor Admin => TestStudies.Admin.ToActor();

    private static ClaimsPrincipal Staff => TestStudies.Staff;

    private static ClaimsPrincipal Doctor => TestStudies.Doctor;

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Every_payload_gets_a_fresh_data_key_and_still_opens(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient studies = TestStudies.For(factory);
        List<(Guid Id, byte[] Pixels)> made = await UploadAsync(studies, 5, ct);
        Dictionary<Guid, (byte[] Original, byte[] Protected)> before = await EnvelopesAsync(factory, ct);
        byte[][] protectedPngs = [.. await Task.WhenAll(made.Select(m => studies.OpenProtectedAsync(Staff, m.Id, ct)))];

        RewrapReport report = await factory.Services.GetRequiredService<KeyAdministration>().ReencryptAsync(Admin, batchSize: 2, cancellationToken: ct);

        Assert.Equal((5, 5, 0), (report.Examined, report.Rewrapped, report.AlreadyCurrent));
        Dictionary<Guid, (byte[] Original, byte[] Protected)> after = await EnvelopesAsync(factory, ct);
        var codec = new ImageCodec();
        for (int i = 0; i < made.Count; i++)
        {
            (Guid id, byte[] pixels) = made[i];
            foreach ((byte[] old, byte[] next) in new[] { (before[id].Original, after[id].Original), (before[id].Protected, after[id].Protected) })
            {
                Assert.Equal(report.MasterKeyId, EnvelopeCipher.ReadMasterKeyId(next));
                // A re-wrap keeps the payload's ciphertext; a fresh data key changes all of it.
                Assert.NotEqual(Tail(old), Tail(next));
            }

            Assert.Equal(pixels, codec.Decode(await studies.OpenOriginalAsync(Doctor, id, ct), PixelFormat.Gray8).Pixels.ToArray());
            Assert.Equal(protectedPngs[i], await studies.OpenProtectedAsync(Staff, id, ct));
        }

        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Equal(3, trail.Count(e => e == "admin@medcrypt.local key.reencrypt.batch Succeeded")); // 5 studies, batches of 2
        Assert.Contains("admin@medcrypt.local key.reencrypt.done Succeeded", trail);
        Assert.False(await factory.Services.GetRequiredService<KeyAdministration>().IsReencryptionUnfinishedAsync(ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task An_interrupted_re_encryption_loses_nothing_and_the_next_start_finishes_it(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient studies = TestStudies.For(factory);
        KeyAdministration keys = factory.Services.GetRequiredService<KeyAdministration>();
        List<(Guid Id, byte[] Pixels)> made = await UploadAsync(studies, 5, ct);
        Dictionary<Guid, (byte[] Original, byte[] Protected)> before = await EnvelopesAsync(factory, ct);

        // Stopped after its first batch of two, as a crash would stop it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => keys.ReencryptAsync(Admin, _ => stop.Cancel(), batchSize: 2, cancellationToken: stop.Token));
        string current = (await factory.Services.GetRequiredService<IKeyStore>().CurrentMasterKeyAsync(ct)).Id;
        Assert.Equal(2, (await EnvelopesAsync(factory, ct)).Values.Count(e => EnvelopeCipher.ReadMasterKeyId(e.Original) == current));
        Assert.True(await keys.IsReencryptionUnfinishedAsync(ct));
        foreach ((Guid id, _) in made)
        {
            Assert.NotEmpty(await studies.OpenOriginalAsync(Doctor, id, ct)); // nothing lost meanwhile
            Assert.NotEmpty(await studies.OpenProtectedAsync(Staff, id, ct));
        }

        // The portal starts again: its key maintenance finds the job unfinished in the audit log and resumes it.
        using var restarted = new PortalFactory(factory);
        KeyMaintenance maintenance = restarted.Services.GetRequiredService<KeyMaintenance>();
        KeyAdministration again = restarted.Services.GetRequiredService<KeyAdministration>();
        await FinishedAsync(again, ct);
        Assert.Null(maintenance.Error);
        Dictionary<Guid, (byte[] Original, byte[] Protected)> after = await EnvelopesAsync(restarted, ct);
        Assert.All(after.Values, e =>
            Assert.Equal((current, current), (EnvelopeCipher.ReadMasterKeyId(e.Original), EnvelopeCipher.ReadMasterKeyId(e.Protected))));
        Assert.All(before, b => Assert.NotEqual(Tail(b.Value.Original), Tail(after[b.Key].Original))); // sealed afresh, not only re-wrapped
        StudyClient reopened = TestStudies.For(restarted);
        var codec = new ImageCodec();
        foreach ((Guid id, byte[] pixels) in made)
        {
            Assert.Equal(pixels, codec.Decode(await reopened.OpenOriginalAsync(Doctor, id, ct), PixelFormat.Gray8).Pixels.ToArray());
        }

        string[] trail = await AuditTrail.ReadAsync(restarted, ct);
        Assert.Contains("admin@medcrypt.local key.reencrypt.batch Failed", trail); // the interruption, recorded
        Assert.Contains("system (resuming re-encryption) key.reencrypt.done Succeeded", trail);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_rotation_between_the_interruption_and_the_resumption_does_not_pass_for_re_encryption(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        KeyAdministration keys = factory.Services.GetRequiredService<KeyAdministration>();
        await UploadAsync(TestStudies.For(factory), 5, ct);
        Dictionary<Guid, (byte[] Original, byte[] Protected)> before = await EnvelopesAsync(factory, ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => keys.ReencryptAsync(Admin, _ => stop.Cancel(), batchSize: 2, cancellationToken: stop.Token));
        await keys.RotateMasterKeyAsync(Admin, cancellationToken: ct); // re-wraps: every payload under the newest key, three with their old data keys

        using var restarted = new PortalFactory(factory);
        KeyAdministration again = restarted.Services.GetRequiredService<KeyAdministration>();
        await FinishedAsync(again, ct);
        Dictionary<Guid, (byte[] Original, byte[] Protected)> after = await EnvelopesAsync(restarted, ct);
        Assert.All(before, b =>
        {
            Assert.NotEqual(Tail(b.Value.Original), Tail(after[b.Key].Original)); // a fresh data key for every payload
            Assert.NotEqual(Tail(b.Value.Protected), Tail(after[b.Key].Protected));
        });
        Assert.Contains("system (resuming re-encryption) key.reencrypt Failed", await AuditTrail.ReadAsync(restarted, ct)); // said so, and started over
    }

    private static async Task<List<(Guid Id, byte[] Pixels)>> UploadAsync(StudyClient studies, int count, CancellationToken ct)
    {
        var made = new List<(Guid, byte[])>();
        for (int i = 0; i < count; i++)
        {
            (byte[] png, byte[] pixels) = TestStudies.ScanWithPixels(i);
            made.Add(((await studies.AnalyseAsync(Staff, $"scan{i}.png", png, "pixel-shuffle", ct)).Id, pixels));
        }

        return made;
    }

    private static async Task<Dictionary<Guid, (byte[] Original, byte[] Protected)>> EnvelopesAsync(PortalFactory factory, CancellationToken ct)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.AsNoTracking()
            .ToDictionaryAsync(s => s.Id, s => (s.SealedOriginal, s.SealedProtected), ct);
    }

    /// <summary>Waits (10 s at most) for the restarted portal's key maintenance to finish the job it resumed.</summary>
    private static async Task FinishedAsync(KeyAdministration keys, CancellationToken ct)
    {
        for (int i = 0; i < 200 && await keys.IsReencryptionUnfinishedAsync(ct); i++)
        {
            await Task.Delay(50, ct);
        }

        Assert.False(await keys.IsReencryptionUnfinishedAsync(ct));
    }

    private static byte[] Tail(byte[] envelope) => envelope[^64..];
}
