using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The key store on the real databases: keys made once and kept, stored only encrypted, master keys rotating without loss.</summary>
public sealed class KeyStoreTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_schemes_key_is_made_once_and_stored_only_encrypted(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        IKeyStore keys = factory.Services.GetRequiredService<IKeyStore>();

        (string id, SecretKey key) = await keys.ActiveSchemeKeyAsync("block", ct);
        (string againId, SecretKey again) = await keys.ActiveSchemeKeyAsync("block", ct);
        (string otherId, SecretKey other) = await keys.ActiveSchemeKeyAsync("logistic-sine", ct);

        Assert.Equal(id, againId);
        Assert.Equal(key.Bytes.ToArray(), again.Bytes.ToArray());
        Assert.NotEqual(id, otherId);
        Assert.NotEqual(key.Bytes.ToArray(), other.Bytes.ToArray());
        Assert.Equal(key.Bytes.ToArray(), (await keys.SchemeKeyAsync(id, ct)).Bytes.ToArray());

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        byte[] stored = (await db.Keys.SingleAsync(k => k.Id == id, ct)).ProtectedKey;
        Assert.False(stored.AsSpan().IndexOf(key.Bytes[..8]) >= 0, "the raw key bytes are in the database");
        Assert.True(await db.DataProtectionKeys.AnyAsync(ct), "Data Protection's key ring is not in the database");
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Rotating_the_master_key_keeps_old_envelopes_readable_and_rewrappable(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        IKeyStore keys = factory.Services.GetRequiredService<IKeyStore>();
        byte[] context = new EnvelopeContext("study/1", "original-image").ToAssociatedData();
        MasterKey first = await keys.CurrentMasterKeyAsync(ct);
        byte[] scan = "a scan"u8.ToArray();
        byte[] envelope = EnvelopeCipher.Seal(scan, context, first);

        MasterKey second = await keys.RotateMasterKeyAsync("admin@medcrypt.local", ct);

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(second.Id, (await keys.CurrentMasterKeyAsync(ct)).Id);
        MasterKey old = await keys.MasterKeyAsync(EnvelopeCipher.ReadMasterKeyId(envelope), ct);
        byte[] rewrapped = EnvelopeCipher.Rewrap(envelope, old, second);
        MasterKey current = await keys.MasterKeyAsync(second.Id, ct);
        Assert.Equal(scan, EnvelopeCipher.Open(rewrapped, context, current));
    }
}
