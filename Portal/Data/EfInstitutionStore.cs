using System.Security.Cryptography;
using System.Text;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Keys;
using MedCrypt.Domain.Transfer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Data;

/// <summary>
/// Institutions and the replay ledger in the portal's database. Each institution row carries a seal under the
/// key-encryption key over its fields; a row without a valid seal (written into the database, or changed there) is
/// not an institution: it is left out of every answer and logged.
/// </summary>
internal sealed class EfInstitutionStore(IServiceScopeFactory scopes, IKeyEncryptionKey kek, ILogger<EfInstitutionStore> logger) : IInstitutionStore
{
    public async Task<IReadOnlyList<Institution>> ListAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        List<InstitutionRecord> rows = await db.Institutions.AsNoTracking().ToListAsync(cancellationToken);
        HashSet<string> removed = [.. await Removals(db).Select(r => r.Subject).ToListAsync(cancellationToken)];
        return [.. rows.Where(r => !removed.Contains(AdministerInstitutions.Subject(r.Id))).Select(Trusted).OfType<Institution>().OrderBy(i => i.Name, StringComparer.OrdinalIgnoreCase)];
    }

    public Task<Institution?> FindAsync(Guid id, CancellationToken cancellationToken) => FindAsync(r => r.Id == id, cancellationToken);

    public async Task<Institution?> FindBySigningKeyAsync(string fingerprint, CancellationToken cancellationToken) =>
        await FindAsync(r => r.SigningFingerprint == fingerprint, cancellationToken) is { } found && found.Card.SigningFingerprint == fingerprint ? found : null;

    public async Task AddAsync(Institution institution, AuditEvent entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(institution);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        InstitutionCard card = institution.Card;
        if (await db.Institutions.AnyAsync(r => r.SigningFingerprint == card.SigningFingerprint || r.AgreementFingerprint == card.AgreementFingerprint
                || r.SigningFingerprint == card.AgreementFingerprint || r.AgreementFingerprint == card.SigningFingerprint, cancellationToken))
        {
            throw new ConflictException("An institution with one of these keys was added already: remove it first to replace its card.");
        }

        var record = new InstitutionRecord
        {
            Id = institution.Id,
            Name = card.Name,
            AgreementKey = card.AgreementKey,
            SigningKey = card.SigningKey,
            AgreementFingerprint = card.AgreementFingerprint,
            SigningFingerprint = card.SigningFingerprint,
            AddedAt = institution.AddedAt,
            AddedBy = institution.AddedBy,
            Seal = [],
        };
        record.Seal = kek.Wrap(KeyEncryptionPurpose.Institutions, [], Sealed(record));
        db.Institutions.Add(record);
        await db.SaveWithAuditEntryAsync(entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RemoveAsync(Guid id, AuditEvent entry, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Institutions.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            throw new NotFoundException($"There is no institution {id}."); // the entry is not stored either
        }

        await db.SaveWithAuditEntryAsync(entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<ReceivedPackage?> ReceivedAsync(string senderFingerprint, Guid packageId, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().ReceivedPackages.AsNoTracking()
            .Where(r => r.SenderFingerprint == senderFingerprint && r.PackageId == packageId)
            .Select(r => new ReceivedPackage(r.SenderFingerprint, r.PackageId, r.StudyId, r.InstitutionId, r.ReceivedAt)).SingleOrDefaultAsync(cancellationToken);
    }

    private async Task<Institution?> FindAsync(System.Linq.Expressions.Expression<Func<InstitutionRecord, bool>> match, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        InstitutionRecord? row = await db.Institutions.AsNoTracking().SingleOrDefaultAsync(match, cancellationToken);
        if (row is null)
        {
            return null;
        }

        string subject = AdministerInstitutions.Subject(row.Id);
        if (await Removals(db).AnyAsync(r => r.Subject == subject, cancellationToken))
        {
            logger.LogCritical("Institution row {Id} ('{Name}') was removed by an administrator (the audit log says so) and is back in the database: it is not trusted.", row.Id, row.Name);
            return null;
        }

        return Trusted(row);
    }

    /// <summary>
    /// The removals the audit log records: a sealed row put back after its removal (a copy kept from before) stays
    /// removed. Deleting the entry instead is a rewrite of the log, which its anchor catches.
    /// </summary>
    private static IQueryable<AuditRecord> Removals(PortalDbContext db) =>
        db.AuditRecords.AsNoTracking().Where(r => r.Action == AdministerInstitutions.RemoveAction && r.Outcome == AuditOutcome.Succeeded);

    private Institution? Trusted(InstitutionRecord row)
    {
        try
        {
            kek.Unwrap(KeyEncryptionPurpose.Institutions, row.Seal, Sealed(row));
        }
        catch (CryptographicException)
        {
            logger.LogCritical("Institution row {Id} ('{Name}') does not carry a valid seal: it was written or changed in the database, not added by an administrator. It is not trusted.", row.Id, row.Name);
            return null;
        }

        return new Institution(row.Id, new InstitutionCard(row.Name, row.AgreementKey, row.SigningKey), row.AddedAt, row.AddedBy);
    }

    /// <summary>Every field a package's trust rests on, length-prefixed; the fingerprints are recomputed, never read.</summary>
    private static byte[] Sealed(InstitutionRecord row)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8);
        writer.Write("medcrypt/v1/institution");
        writer.Write(row.Id.ToByteArray());
        writer.Write(row.Name);
        writer.Write(row.AgreementKey.Length);
        writer.Write(row.AgreementKey);
        writer.Write(row.SigningKey.Length);
        writer.Write(row.SigningKey);
        writer.Write(row.AddedAt.ToUnixTimeMilliseconds());
        writer.Write(row.AddedBy);
        writer.Flush();
        return buffer.ToArray();
    }
}
