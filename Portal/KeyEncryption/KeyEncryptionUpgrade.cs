using System.Xml.Linq;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// Start-up, after the migrations and before anything else reads a key: makes sure the KEK is the one the database
/// was used with, then moves what an earlier version stored without it under it — key records, user tokens — and
/// revokes, once, the Data Protection keys that were stored unencrypted (a copy of the old ring then signs no cookie or
/// token this portal accepts; signed-in users sign in again). The move happens once: after it, what looks like an
/// earlier version's record (a key, a clear token, a clear ring key) was written by someone with the database, and is
/// refused rather than adopted. Each step is idempotent, so every start runs it.
/// </summary>
internal sealed class KeyEncryptionUpgrade(PortalDbContext db, IServiceProvider services, KeyEncryptionOptions options, ILogger<KeyEncryptionUpgrade> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        XElement[] ringKeys = await RingKeysAsync(cancellationToken);
        bool upgraded = await IsUpgradedAsync(ringKeys, cancellationToken);
        RefuseAMissingKeyFile(upgraded);

        // Resolved only now: a key file is made on first use, which the check above must precede.
        IKeyEncryptionKey kek = services.GetRequiredService<IKeyEncryptionKey>();
        EncryptedKeysOnlyRepository ring = services.GetRequiredService<EncryptedKeysOnlyRepository>();
        if (upgraded)
        {
            ring.Enforce(); // nothing of the earlier version's is needed any more
        }

        // A store of its own for the upgrade: the registered IKeyStore may be decorated, and nothing it caches is needed later.
        int keys = await ActivatorUtilities.CreateInstance<EfKeyStore>(services).WrapLegacyKeysAsync(adoptLegacy: !upgraded, cancellationToken);
        if (keys > 0)
        {
            logger.LogWarning("{Count} key-store keys stored under Data Protection were re-wrapped under key-encryption key {KekId}.", keys, kek.Id);
        }

        int tokens = upgraded ? 0 : await ProtectPlainUserTokensAsync(kek, cancellationToken);
        if (tokens > 0)
        {
            logger.LogWarning("{Count} authenticator secrets and recovery-code sets stored in plain text are now encrypted.", tokens);
        }

        int revoked = RevokeUnencryptedRingKeys(ringKeys);
        if (revoked > 0)
        {
            logger.LogWarning(
                "{Count} Data Protection keys stored unencrypted were revoked: sessions and bearer tokens signed with them end, users sign in again.", revoked);
        }

        // From here on a key written into the ring without the KEK (by someone with the database) is ignored.
        ring.Enforce();
    }

    /// <summary>
    /// True once anything is under the KEK — a key record, a user token or a ring key: the earlier version's records
    /// were moved then (or never existed), so none may be adopted any more.
    /// </summary>
    private async Task<bool> IsUpgradedAsync(XElement[] ringKeys, CancellationToken cancellationToken) =>
        (await db.Keys.AsNoTracking().Select(k => k.ProtectedKey).ToListAsync(cancellationToken)).Any(k => !EfKeyStore.IsDataProtectionPayload(k))
        || await db.UserTokens.AnyAsync(t => t.Value != null && t.Value.StartsWith(UserTokenProtection.Prefix), cancellationToken)
        || ringKeys.Any(key => EncryptedKeysOnlyRepository.IsTrusted(key, options.UsesCertificate));

    /// <summary>The ring's keys (not its revocations), as stored, parsed once for both checks that need them.</summary>
    private async Task<XElement[]> RingKeysAsync(CancellationToken cancellationToken) =>
        [.. (await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(cancellationToken))
            .Where(xml => xml is not null)
            .Select(xml => XElement.Parse(xml!))
            .Where(e => e.Name.LocalName == "key" && e.Attribute("id") is not null)];

    /// <summary>Without its key file, a database that holds KEK-wrapped data must not get a new key (which would hide the loss).</summary>
    private void RefuseAMissingKeyFile(bool databaseUsesTheKeyFile)
    {
        if (!options.UsesCertificate && !File.Exists(options.ResolveKeyFile()) && databaseUsesTheKeyFile)
        {
            throw new InvalidOperationException(
                $"The key-encryption key file {options.ResolveKeyFile()} is missing, and this database holds keys wrapped under it. " +
                "Restore the file from its backup (or set KeyEncryption:KeyFile to where it is) and start again. " +
                "No new key was made: without the original no sealed image, key or authenticator secret can be read.");
        }
    }

    private async Task<int> ProtectPlainUserTokensAsync(IKeyEncryptionKey kek, CancellationToken cancellationToken)
    {
        var plain = await db.UserTokens.Where(t => t.Value != null && !t.Value.StartsWith(UserTokenProtection.Prefix)).ToListAsync(cancellationToken);
        foreach (var token in plain)
        {
            token.Value = UserTokenProtection.Protect(kek, token.UserId, token.LoginProvider, token.Name, token.Value!);
        }

        await db.SaveChangesAsync(cancellationToken);
        return plain.Count;
    }

    /// <summary>Runs after the key records are re-wrapped: reading those still needed the old keys.</summary>
    private int RevokeUnencryptedRingKeys(XElement[] ringKeys)
    {
        HashSet<Guid> unencrypted = [.. ringKeys.Where(e => !EncryptedKeysOnlyRepository.IsTrusted(e, options.UsesCertificate)).Select(e => (Guid)e.Attribute("id")!)];
        if (unencrypted.Count == 0)
        {
            return 0;
        }

        IKeyManager keyManager = services.GetRequiredService<IKeyManager>();
        int revoked = 0;
        foreach (IKey key in keyManager.GetAllKeys().Where(k => unencrypted.Contains(k.KeyId) && !k.IsRevoked))
        {
            keyManager.RevokeKey(key.KeyId, "Stored unencrypted, before MedCrypt's key-encryption key: a copy of the database holds it.");
            revoked++;
        }

        return revoked;
    }
}
