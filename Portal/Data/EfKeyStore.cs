using System.Collections.Concurrent;
using System.Security.Cryptography;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Keys;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Data;

/// <summary>
/// Keys in the database, their bytes wrapped under the key-encryption key (which is not in the database), bound to
/// their id and purpose. New keys come from the CSPRNG. Records an earlier version protected with ASP.NET Core Data
/// Protection (purpose "MedCrypt.KeyStore.v1") are read only by the first start-up's upgrade, which re-wraps them
/// (<see cref="WrapLegacyKeysAsync"/>); at run time that format is refused.
/// A key never changes under its id, so each is unwrapped once and the same instance is handed out after that
/// (callers must not dispose it): per-key caches such as the models' block adaptations then hit.
/// </summary>
internal sealed class EfKeyStore(IServiceScopeFactory scopes, IKeyEncryptionKey kek, IDataProtectionProvider protection, TimeProvider clock) : IKeyStore
{
    private const string Master = "master";
    private const string PatientPseudonym = "patient-pseudonym";
    private const string TransferIdentity = "transfer-identity";
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentDictionary<string, SecretKey> _unprotected = new(StringComparer.Ordinal);
    private readonly IDataProtector _legacy = protection.CreateProtector("MedCrypt.KeyStore.v1");

    /// <summary>
    /// Wraps every record an earlier version stored under Data Protection under the KEK instead — the same key bytes,
    /// so nothing sealed under them changes — in one transaction, and checks that every other record unwraps under the
    /// configured KEK: with the wrong key file the portal stops here, before it makes new keys. Returns how many it re-wrapped.
    /// </summary>
    /// <param name="adoptLegacy">False once the database was upgraded: a record in the earlier format is then a plant, and the portal does not start.</param>
    public async Task<int> WrapLegacyKeysAsync(bool adoptLegacy, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        int rewrapped = 0;
        foreach (KeyRecord record in await db.Keys.ToListAsync(cancellationToken))
        {
            byte[] bytes;
            if (IsDataProtectionPayload(record.ProtectedKey))
            {
                if (!adoptLegacy)
                {
                    // After the upgrade only someone with the database writes one: stop loudly rather than adopt a key they chose.
                    throw new InvalidOperationException(
                        $"Key '{record.Id}' is in the earlier version's format, but this database was moved under the key-encryption key " +
                        "already: it was written into the database, not made by the portal. Remove it (and review who can write the database) before starting.");
                }

                bytes = _legacy.Unprotect(record.ProtectedKey);
                record.ProtectedKey = Wrap(record.Id, record.Purpose, bytes);
                rewrapped++;
            }
            else
            {
                try
                {
                    bytes = kek.Unwrap(KeyEncryptionPurpose.KeyStore, record.ProtectedKey, AssociatedData(record.Id, record.Purpose));
                }
                catch (CryptographicException e)
                {
                    throw new InvalidOperationException(
                        $"Key '{record.Id}' does not unwrap under the configured key-encryption key {kek.Id} ({e.Message}) " +
                        "Configure the key file or certificate this database was used with (KeyEncryption section); the portal does not start without it.", e);
                }
            }

            CryptographicOperations.ZeroMemory(bytes);
        }

        await db.SaveChangesAsync(cancellationToken);
        return rewrapped;
    }

    public async Task<(string Id, SecretKey Key)> ActiveSchemeKeyAsync(string schemeId, CancellationToken cancellationToken)
    {
        KeyRecord record = await ActiveAsync(schemeId, "system", cancellationToken);
        return (record.Id, Unprotect(record));
    }

    public async Task<SecretKey> SchemeKeyAsync(string id, CancellationToken cancellationToken) => Unprotect(await FindAsync(id, cancellationToken));

    public async Task<MasterKey> CurrentMasterKeyAsync(CancellationToken cancellationToken)
    {
        KeyRecord record = await ActiveAsync(Master, "system", cancellationToken);
        return new MasterKey(record.Id, Unprotect(record));
    }

    public async Task<IReadOnlyList<KeySummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Keys.AsNoTracking()
            .Select(k => new KeySummary(k.Id, k.Purpose, k.CreatedAt, k.CreatedBy, k.Active)).ToListAsync(cancellationToken);
    }

    public async Task<string?> ActiveMasterKeyIdAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Keys.AsNoTracking()
            .Where(k => k.Purpose == Master && k.Active).Select(k => k.Id).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<MasterKey> MasterKeyAsync(string id, CancellationToken cancellationToken)
    {
        KeyRecord record = await FindAsync(id, cancellationToken);
        return record.Purpose == Master ? new MasterKey(record.Id, Unprotect(record)) : throw new KeyNotFoundException($"Key '{id}' is not a master key.");
    }

    public async Task<SecretKey> PatientPseudonymKeyAsync(CancellationToken cancellationToken) =>
        Unprotect(await ActiveAsync(PatientPseudonym, "system", cancellationToken));

    public async Task<SecretKey> TransferIdentityKeyAsync(CancellationToken cancellationToken) =>
        Unprotect(await ActiveAsync(TransferIdentity, "system", cancellationToken));

    public async Task<MasterKey> RotateMasterKeyAsync(string actor, CancellationToken cancellationToken)
    {
        KeyRecord record = await ReplaceActiveAsync(Master, actor, cancellationToken);
        return new MasterKey(record.Id, Unprotect(record));
    }

    public async Task<string> RotateSchemeKeyAsync(string schemeId, string actor, CancellationToken cancellationToken)
    {
        if (schemeId is Master or PatientPseudonym or TransferIdentity)
        {
            throw new ArgumentException($"'{schemeId}' is not a scheme.", nameof(schemeId));
        }

        return (await ReplaceActiveAsync(schemeId, actor, cancellationToken)).Id;
    }

    /// <summary>
    /// Retires the purpose's active key and makes a new one in one transaction: a crash leaves the old key active,
    /// never none or two (the unique index on active keys stops a second instance doing the same at once).
    /// </summary>
    private async Task<KeyRecord> ReplaceActiveAsync(string purpose, string actor, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using AsyncServiceScope scope = scopes.CreateAsyncScope();
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Keys.Where(k => k.Purpose == purpose && k.Active).ExecuteUpdateAsync(k => k.SetProperty(r => r.Active, false), cancellationToken);
            KeyRecord record = New(purpose, actor);
            db.Keys.Add(record);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return record;
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task<KeyRecord> ActiveAsync(string purpose, string actor, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        KeyRecord? active = await db.Keys.AsNoTracking().SingleOrDefaultAsync(k => k.Purpose == purpose && k.Active, cancellationToken);
        if (active is not null)
        {
            return active;
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            active = await db.Keys.AsNoTracking().SingleOrDefaultAsync(k => k.Purpose == purpose && k.Active, cancellationToken);
            if (active is null)
            {
                active = New(purpose, actor);
                db.Keys.Add(active);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another portal instance made the first key at the same moment (the unique index refused ours): use theirs.
                    db.ChangeTracker.Clear();
                    active = await db.Keys.AsNoTracking().SingleAsync(k => k.Purpose == purpose && k.Active, cancellationToken);
                }
            }

            return active;
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task<KeyRecord> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Keys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, cancellationToken)
            ?? throw new KeyNotFoundException($"No key '{id}' in the key store.");
    }

    private KeyRecord New(string purpose, string actor)
    {
        byte[] bytes = RandomNumberGenerator.GetBytes(SecretKey.SizeInBytes);
        try
        {
            DateTimeOffset now = clock.GetUtcNow();
            string id = $"{purpose}-{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            return new KeyRecord
            {
                Id = id,
                Purpose = purpose,
                ProtectedKey = Wrap(id, purpose, bytes),
                CreatedAt = now,
                CreatedBy = actor,
                Active = true,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Data Protection's payloads start with its magic header 09 F0 C9 F0; the KEK's never do.</summary>
    internal static bool IsDataProtectionPayload(ReadOnlySpan<byte> stored) => stored.StartsWith((ReadOnlySpan<byte>)[0x09, 0xF0, 0xC9, 0xF0]);

    /// <summary>The record's id and purpose: a wrapped key moved to another record, or passed off as a master key, does not open.</summary>
    private static byte[] AssociatedData(string id, string purpose) => new EnvelopeContext($"key/{id}", purpose).ToAssociatedData();

    private byte[] Wrap(string id, string purpose, ReadOnlySpan<byte> key) => kek.Wrap(KeyEncryptionPurpose.KeyStore, key, AssociatedData(id, purpose));

    private SecretKey Unprotect(KeyRecord record) => _unprotected.GetOrAdd(record.Id, _ =>
    {
        // The earlier format is read only by the one-time upgrade (WrapLegacyKeysAsync): at run time it can only be a plant.
        byte[] bytes = IsDataProtectionPayload(record.ProtectedKey)
            ? throw new CryptographicException($"Key '{record.Id}' is not wrapped under the key-encryption key: it was written into the database, not made by the portal.")
            : kek.Unwrap(KeyEncryptionPurpose.KeyStore, record.ProtectedKey, AssociatedData(record.Id, record.Purpose));
        try
        {
            return SecretKey.FromBytes(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    });
}
