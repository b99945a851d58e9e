using System.Security.Claims;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>Key management on the real databases: master-key rotation re-wraps every original and loses none, resumably.</summary>
public sealed class KeyAdministrationTests
{
    private static readonly Actor Admin = TestStudies.User("admin@medcrypt.local", Roles.Admin).ToActor();
    private static readonly ClaimsPrincipal Staff = TestStudies.User("staff@medcrypt.local", Roles.Staff);
    private static readonly ClaimsPrincipal Doctor = TestStudies.User("doctor@medcrypt.local", Roles.Doctor);

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Rotation_rewraps_every_original_and_doctors_still_open_them(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient studies = TestStudies.For(factory);
        KeyAdministration keys = factory.Services.GetRequiredService<KeyAdministration>();
        var made = new List<(Guid Id, byte[] Pixels)>();
        for (int i = 0; i < 5; i++)
        {
            (byte[] png, byte[] pixels) = TestStudies.ScanWithPixels(i);
            made.Add(((await studies.AnalyseAsync(Staff, $"scan{i}.png", png, "block", ct)).Id, pixels));
        }

        string before = await MasterKeyOfAsync(factory, made[0].Id, ct);

        RewrapReport report = await keys.RotateMasterKeyAsync(Admin, batchSize: 2, cancellationToken: ct);

        Assert.Equal(before, report.RetiredMasterKeyId);
        Assert.NotEqual(before, report.MasterKeyId);
        Assert.Equal((5, 5, 0), (report.Examined, report.Rewrapped, report.AlreadyCurrent));
        Assert.Empty(report.Failed);
        var codec = new ImageCodec();
        foreach ((Guid id, byte[] pixels) in made)
        {
            Assert.Equal(report.MasterKeyId, await MasterKeyOfAsync(factory, id, ct));
            byte[] original = await studies.OpenOriginalAsync(Doctor, id, ct);
            Assert.Equal(pixels, codec.Decode(original, PixelFormat.Gray8).Pixels.ToArray());
        }

        RewrapReport again = await keys.RewrapAsync(Admin, cancellationToken: ct);
        Assert.Equal((5, 0, 5), (again.Examined, again.Rewrapped, again.AlreadyCurrent));

        IReadOnlyList<KeySummary> list = await keys.ListAsync(Admin, ct);
        Assert.Single(list, k => k.Purpose == "master" && k.Active);
        Assert.Contains(list, k => k.Id == before && !k.Active); // retired, kept
        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Contains("admin@medcrypt.local key.master.rotate Succeeded", trail);
        Assert.Contains("admin@medcrypt.local key.master.rewrap Succeeded", trail);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task An_upload_analysed_while_the_master_key_rotated_is_stored_under_the_new_key(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        RotatesDuringTheNextUpload? keyStore = null;
        using WebApplicationFactory<Program> factory = portal.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            ServiceDescriptor real = services.Single(d => d.ServiceType == typeof(IKeyStore));
            services.Remove(real);
            services.AddSingleton<IKeyStore>(sp => keyStore = new RotatesDuringTheNextUpload((IKeyStore)ActivatorUtilities.CreateInstance(sp, real.ImplementationType!), sp));
        }));
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient studies = TestStudies.For(factory);
        string before = (await factory.Services.GetRequiredService<IKeyStore>().CurrentMasterKeyAsync(ct)).Id;
        (byte[] png, byte[] pixels) = TestStudies.ScanWithPixels(9);

        keyStore!.Arm();
        Guid id = (await studies.AnalyseAsync(Staff, "during-rotation.png", png, "block", ct)).Id;

        string current = (await factory.Services.GetRequiredService<IKeyStore>().CurrentMasterKeyAsync(ct)).Id;
        Assert.NotEqual(before, current); // the rotation ran, and its re-wrap finished before the study was stored
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        byte[] sealedOriginal = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.Where(s => s.Id == id).Select(s => s.SealedOriginal).SingleAsync(ct);
        Assert.Equal(current, EnvelopeCipher.ReadMasterKeyId(sealedOriginal));
        Assert.Equal(pixels, new ImageCodec().Decode(await studies.OpenOriginalAsync(Doctor, id, ct), PixelFormat.Gray8).Pixels.ToArray());
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task An_interrupted_rewrap_is_finished_by_the_next_run(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient studies = TestStudies.For(factory);
        KeyAdministration keys = factory.Services.GetRequiredService<KeyAdministration>();
        var ids = new List<Guid>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add((await studies.AnalyseAsync(Staff, $"scan{i}.png", TestStudies.Scan(i), "block", ct)).Id);
        }

        // Stopped after its first batch of two: that batch is committed, the rest still under the old key.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => keys.RotateMasterKeyAsync(Admin, _ => stop.Cancel(), batchSize: 2, cancellationToken: stop.Token));
        string current = (await factory.Services.GetRequiredService<IKeyStore>().CurrentMasterKeyAsync(ct)).Id;
        string[] masters = [.. await Task.WhenAll(ids.Select(id => MasterKeyOfAsync(factory, id, ct)))];
        Assert.Equal(2, masters.Count(m => m == current));

        // A study stored meanwhile is sealed under the new key and left alone.
        ids.Add((await studies.AnalyseAsync(Staff, "late.png", TestStudies.Scan(9), "block", ct)).Id);

        RewrapReport finished = await keys.RewrapAsync(Admin, batchSize: 2, cancellationToken: ct);

        Assert.Equal((6, 3, 3), (finished.Examined, finished.Rewrapped, finished.AlreadyCurrent));
        foreach (Guid id in ids)
        {
            Assert.Equal(current, await MasterKeyOfAsync(factory, id, ct));
            Assert.NotEmpty(await studies.OpenOriginalAsync(Doctor, id, ct));
        }

        Assert.Contains("admin@medcrypt.local key.master.rewrap Failed", await AuditTrail.ReadAsync(factory, ct)); // the cancelled run, recorded
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_damaged_envelope_is_reported_and_left_untouched(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient studies = TestStudies.For(factory);
        Guid good = (await studies.AnalyseAsync(Staff, "a.png", TestStudies.Scan(1), "block", ct)).Id;
        Guid bad = (await studies.AnalyseAsync(Staff, "b.png", TestStudies.Scan(2), "block", ct)).Id;
        byte[] damaged;
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            StudyRecord study = await db.Studies.SingleAsync(s => s.Id == bad, ct);
            study.SealedOriginal = [.. study.SealedOriginal];
            study.SealedOriginal[^1] ^= 1; // one bit of the payload
            damaged = study.SealedOriginal;
            await db.SaveChangesAsync(ct);
        }

        RewrapReport report = await factory.Services.GetRequiredService<KeyAdministration>().RotateMasterKeyAsync(Admin, cancellationToken: ct);

        Assert.Equal([bad], report.Failed);
        Assert.Equal(1, report.Rewrapped);
        Assert.NotEmpty(await studies.OpenOriginalAsync(Doctor, good, ct));
        await using AsyncServiceScope check = factory.Services.CreateAsyncScope();
        Assert.Equal(damaged, (await check.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.SingleAsync(s => s.Id == bad, ct)).SealedOriginal);
        Assert.Contains("admin@medcrypt.local key.master.rewrap Failed", await AuditTrail.ReadAsync(factory, ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_new_scheme_key_becomes_active_and_the_old_one_stays_readable(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        IKeyStore store = factory.Services.GetRequiredService<IKeyStore>();
        KeyAdministration keys = factory.Services.GetRequiredService<KeyAdministration>();
        (string oldId, var oldKey) = await store.ActiveSchemeKeyAsync("block", ct);

        string newId = await keys.CreateSchemeKeyAsync(Admin, "block", ct);

        Assert.NotEqual(oldId, newId);
        Assert.Equal(newId, (await store.ActiveSchemeKeyAsync("block", ct)).Id);
        Assert.Equal(oldKey.Bytes.ToArray(), (await store.SchemeKeyAsync(oldId, ct)).Bytes.ToArray());
        await Assert.ThrowsAsync<Domain.Failures.RejectedInputException>(() => keys.CreateSchemeKeyAsync(Admin, "rot13", ct));
        await Assert.ThrowsAsync<Domain.Failures.AccessDeniedException>(() => keys.CreateSchemeKeyAsync(Staff.ToActor(), "block", ct));
        await Assert.ThrowsAsync<Domain.Failures.AccessDeniedException>(() => keys.RotateMasterKeyAsync(Doctor.ToActor(), cancellationToken: ct));
        await Assert.ThrowsAsync<Domain.Failures.AccessDeniedException>(() => keys.ListAsync(Staff.ToActor(), ct));
        Assert.DoesNotContain(await keys.ListAsync(Admin, ct), k => k.Purpose == "master" && k.CreatedBy == "staff@medcrypt.local");
        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Contains("admin@medcrypt.local key.create Succeeded", trail);
        Assert.Contains("staff@medcrypt.local key.create Denied", trail);
        Assert.Contains("doctor@medcrypt.local key.master.rotate Denied", trail);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task The_database_refuses_a_second_active_key_for_a_purpose(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await factory.Services.GetRequiredService<IKeyStore>().CurrentMasterKeyAsync(ct);
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        db.Keys.Add(new KeyRecord { Id = "master-second", Purpose = "master", ProtectedKey = [1], CreatedBy = "test", Active = true });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(ct));

        db.ChangeTracker.Clear();
        db.Keys.Add(new KeyRecord { Id = "master-retired", Purpose = "master", ProtectedKey = [1], CreatedBy = "test", Active = false });
        await db.SaveChangesAsync(ct); // inactive keys of a purpose: as many as rotations made
        Assert.Equal(1, await db.Keys.CountAsync(k => k.Purpose == "master" && k.Active, ct));
    }

    private static async Task<string> MasterKeyOfAsync(PortalFactory factory, Guid id, CancellationToken ct)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        var sealedImages = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.Where(s => s.Id == id)
            .Select(s => new { s.SealedOriginal, s.SealedProtected }).SingleAsync(ct);
        // Both of a study's envelopes move together.
        Assert.Equal(EnvelopeCipher.ReadMasterKeyId(sealedImages.SealedOriginal), EnvelopeCipher.ReadMasterKeyId(sealedImages.SealedProtected));
        return EnvelopeCipher.ReadMasterKeyId(sealedImages.SealedOriginal);
    }

    /// <summary>
    /// The real key store, except that once armed, the next read of the current master key (an upload's, before it
    /// seals the original) is followed at once by a whole rotation and re-wrap, as if an administrator rotated while
    /// the scan was being analysed.
    /// </summary>
    private sealed class RotatesDuringTheNextUpload(IKeyStore inner, IServiceProvider services) : IKeyStore
    {
        private int _armed;

        public void Arm() => Interlocked.Exchange(ref _armed, 1);

        public async Task<MasterKey> CurrentMasterKeyAsync(CancellationToken cancellationToken)
        {
            MasterKey key = await inner.CurrentMasterKeyAsync(cancellationToken);
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                await services.GetRequiredService<KeyAdministration>().RotateMasterKeyAsync(Admin, cancellationToken: cancellationToken);
            }

            return key;
        }

        public Task<(string Id, SecretKey Key)> ActiveSchemeKeyAsync(string schemeId, CancellationToken cancellationToken) => inner.ActiveSchemeKeyAsync(schemeId, cancellationToken);

        public Task<SecretKey> SchemeKeyAsync(string id, CancellationToken cancellationToken) => inner.SchemeKeyAsync(id, cancellationToken);

        public Task<MasterKey> MasterKeyAsync(string id, CancellationToken cancellationToken) => inner.MasterKeyAsync(id, cancellationToken);

        public Task<SecretKey> PatientPseudonymKeyAsync(CancellationToken cancellationToken) => inner.PatientPseudonymKeyAsync(cancellationToken);

        public Task<SecretKey> TransferIdentityKeyAsync(CancellationToken cancellationToken) => inner.TransferIdentityKeyAsync(cancellationToken);

        public Task<MasterKey> RotateMasterKeyAsync(string actor, CancellationToken cancellationToken) => inner.RotateMasterKeyAsync(actor, cancellationToken);

        public Task<string> RotateSchemeKeyAsync(string schemeId, string actor, CancellationToken cancellationToken) => inner.RotateSchemeKeyAsync(schemeId, actor, cancellationToken);

        public Task<IReadOnlyList<KeySummary>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task<string?> ActiveMasterKeyIdAsync(CancellationToken cancellationToken) => inner.ActiveMasterKeyIdAsync(cancellationToken);
    }
}
