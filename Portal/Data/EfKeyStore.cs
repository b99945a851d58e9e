using System.Collections.Concurrent;
using System.Security.Cryptography;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Keys;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Data;

/// <summary>
/// Keys in the database, their bytes protected with ASP.NET Core Data Protection (purpose "MedCrypt.KeyStore.v1"),
/// whose key ring is persisted to the same database so every portal instance reads them. New keys come from the CSPRNG.
/// A key never changes under its id, so each is unprotected once and the same instance is handed out after that
/// (callers must not dispose it): per-key caches such as the models' block adaptations then hit.
/// </summary>
internal sealed class EfKeyStore(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock) : IKeyStore
{
    private const string Master = "master";
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentDictionary<string, SecretKey> _unprotected = new(StringComparer.Ordinal);
    private readonly IDataProtector _protector = protection.CreateProtector("MedCrypt.KeyStore.v1");

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

    public async Task<MasterKey> MasterKeyAsync(string id, CancellationToken cancellationToken)
    {
        KeyRecord record = await FindAsync(id, cancellationToken);
        return record.Purpose == Master ? new MasterKey(record.Id, Unprotect(record)) : throw new KeyNotFoundException($"Key '{id}' is not a master key.");
    }

    public async Task<MasterKey> RotateMasterKeyAsync(string actor, CancellationToken cancellationToken)
    {
        KeyRecord record = await ReplaceActiveAsync(Master, actor, cancellationToken);
        return new MasterKey(record.Id, Unprotect(record));
    }

    public async Task<string> RotateSchemeKeyAsync(string schemeId, string actor, CancellationToken cancellationToken)
    {
        if (schemeId == Master)
        {
            throw new ArgumentException("'master' is not a scheme.", nameof(schemeId));
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
            return new KeyRecord
            {
                Id = $"{purpose}-{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}",
                Purpose = purpose,
                ProtectedKey = _protector.Protect(bytes),
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

    private SecretKey Unprotect(KeyRecord record) => _unprotected.GetOrAdd(record.Id, _ =>
    {
        byte[] bytes = _protector.Unprotect(record.ProtectedKey);
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
