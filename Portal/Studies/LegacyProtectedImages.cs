using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Studies;

/// <summary>
/// Databases from before protected images were sealed hold their PNGs in the clear: at the first start of this version,
/// before any request, each is sealed under the current master key, bound to its study, scheme, key and nonce, and the audit
/// log records that it was done. After that the step never runs again, so a PNG written into the column later (by
/// someone with the database) stays refused by the read path, which accepts only envelopes, rather than being sealed
/// and then served as verified.
/// </summary>
internal static class LegacyProtectedImages
{
    private const int BatchSize = 100;
    private const string Done = "studies.seal-clear-protected-images";

    public static async Task SealAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (await db.AuditRecords.AnyAsync(r => r.Action == Done, cancellationToken))
        {
            return;
        }

        // A PNG starts with 0x89; an envelope with "MCE". The test is the database's, so no image leaves it needlessly.
        string sql = db.Database.IsNpgsql()
            ? """SELECT "Id" AS "Value" FROM "Studies" WHERE get_byte("SealedProtected", 0) = 137"""
            : """SELECT "Id" AS "Value" FROM "Studies" WHERE substr("SealedProtected", 1, 1) = x'89'""";
        List<Guid> legacy = await db.Database.SqlQueryRaw<Guid>(sql).ToListAsync(cancellationToken);
        if (legacy.Count > 0)
        {
            await SealAllAsync(scope.ServiceProvider, db, legacy, cancellationToken);
            logger.LogInformation("Sealed {Count} protected images stored in the clear by an earlier version", legacy.Count);
        }

        await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync(
            "system", Done, "studies", AuditOutcome.Succeeded, $"{legacy.Count} protected images sealed; from now on a clear one is refused", cancellationToken);
    }

    private static async Task SealAllAsync(IServiceProvider services, PortalDbContext db, List<Guid> legacy, CancellationToken cancellationToken)
    {
        MasterKey master = await services.GetRequiredService<IKeyStore>().CurrentMasterKeyAsync(cancellationToken);
        foreach (Guid[] batch in legacy.Chunk(BatchSize))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (StudyRecord study in await db.Studies.Where(s => batch.Contains(s.Id)).ToListAsync(cancellationToken))
            {
                if (study.SealedProtected is [0x89, ..])
                {
                    study.SealedProtected = EnvelopeCipher.Seal(study.SealedProtected, StudyAnalyser.ProtectedContext(study.Id, study.SchemeId, study.SchemeKeyId, study.ProtectedNonce), master);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }
}
