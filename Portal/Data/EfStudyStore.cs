using System.Text.Json;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Domain.Studies;
using MedCrypt.Domain.Transfer;
using MedCrypt.Portal.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Data;

/// <summary>Studies in the portal's database; each call in a context of its own.</summary>
internal sealed class EfStudyStore(IServiceScopeFactory scopes, StudyFeed feed) : IStudyStore
{
    public Task AddAsync(StudyDetails study, SealedStudy images, AuditEvent entry, ReceivedPackage? received, CancellationToken cancellationToken) =>
        StoreAsync([(study, images)], entry, received is null ? null : new ReceivedPackageRecord
        {
            SenderFingerprint = received.SenderFingerprint,
            PackageId = received.PackageId,
            StudyId = received.StudyId,
            InstitutionId = received.InstitutionId,
            ReceivedAt = received.ReceivedAt,
        }, $"Package {received?.PackageId:D} was taken in already, a moment ago: a package is taken in once.", cancellationToken);

    public Task AddSeriesAsync(IReadOnlyList<(StudyDetails Study, SealedStudy Images)> slices, AuditEvent entry, string? importKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slices);
        return StoreAsync(slices, entry, importKey is null ? null : new PacsImportRecord { Key = importKey, SeriesId = slices[0].Study.Series!.Id, ImportedAt = entry.At },
            "This series from the PACS was taken in already.", cancellationToken);
    }

    /// <summary>
    /// The studies, their audit entry and, when given, the row that makes them once only (a package's ledger line, a
    /// PACS series' key), in one transaction; other instances are told once it has committed.
    /// </summary>
    private async Task StoreAsync(IReadOnlyList<(StudyDetails Study, SealedStudy Images)> studies, AuditEvent entry, object? once, string taken, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (once is not null)
        {
            // Its own statement first, so that its key, not the audit sequence, is what a second attempt runs into.
            db.Add(once);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (AuditedSave.IsUniqueViolation(e))
            {
                throw new ConflictException(taken, e);
            }
        }

        db.Studies.AddRange(studies.Select(s => Record(s.Study, s.Images)));
        await db.SaveWithAuditEntryAsync(entry, cancellationToken);
        if (db.Database.IsNpgsql())
        {
            // The other portal instances are told in the same transaction: NOTIFY is delivered when, and only if, it commits.
            foreach ((StudyDetails study, _) in studies)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_notify({PostgresStudyListener.Channel}, {study.Id.ToString("D")})", cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        foreach ((StudyDetails study, _) in studies)
        {
            feed.Publish(study.Id);
        }
    }

    public async Task<Guid?> ImportedSeriesAsync(string importKey, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().PacsImports.AsNoTracking()
            .Where(r => r.Key == importKey).Select(r => (Guid?)r.SeriesId).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<StudyDetails?> FindAsync(Guid id, CancellationToken cancellationToken) => (await DetailsAsync(s => s.Id == id, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<StudyDetails>> SeriesAsync(Guid seriesId, CancellationToken cancellationToken) =>
        [.. (await DetailsAsync(s => s.SeriesId == seriesId, cancellationToken)).OrderBy(s => s.Series!.Index)];

    /// <summary>Studies as pages show them, projected: the sealed images are not even read.</summary>
    private async Task<List<StudyDetails>> DetailsAsync(System.Linq.Expressions.Expression<Func<StudyRecord, bool>> match, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var rows = await db.Studies.AsNoTracking().Where(match).Select(s => new
        {
            s.Id,
            s.CreatedAt,
            s.UploadedBy,
            s.FileName,
            s.SchemeId,
            s.OriginalWidth,
            s.OriginalHeight,
            s.DecryptedForInference,
            s.PatientPseudonym,
            s.DicomMetadata,
            s.SeriesId,
            s.SliceIndex,
            s.SliceCount,
            Predictions = s.Predictions.OrderBy(p => p.Id).ToList(),
        }).ToListAsync(cancellationToken);
        return [.. rows.Select(row => new StudyDetails(
            row.Id, row.CreatedAt, row.UploadedBy, row.FileName, row.SchemeId, row.OriginalWidth, row.OriginalHeight, row.DecryptedForInference,
            [.. row.Predictions.Select(View)],
            row.PatientPseudonym is null || row.DicomMetadata is null
                ? null
                : new DicomStudyInfo(row.PatientPseudonym, JsonSerializer.Deserialize<DicomMetadata>(row.DicomMetadata)!),
            row is { SeriesId: { } series, SliceIndex: { } index, SliceCount: { } count } ? new SeriesPosition(series, index, count) : null))];
    }

    public async Task<IReadOnlyList<Guid>> IdsAsync(DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        var studies = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.AsNoTracking()
            .Select(s => new { s.Id, s.CreatedAt }).ToListAsync(cancellationToken);

        // Filtered here: SQLite cannot compare DateTimeOffsets in a query; ids and times are small beside the envelopes.
        return [.. studies.Where(s => since is null || s.CreatedAt >= since).Select(s => s.Id)];
    }

    public async Task RewriteSealedAsync(IReadOnlyCollection<Guid> ids, Func<SealedStudy, CancellationToken, Task<SealedStudy?>> rewrite, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        List<SealedStudy> rows = await db.Studies.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new SealedStudy(s.Id, s.SchemeId, s.SchemeKeyId, s.ProtectedNonce, s.SealedProtected, s.SealedOriginal)).ToListAsync(cancellationToken);
        foreach (SealedStudy row in rows)
        {
            if (await rewrite(row, cancellationToken) is { } next)
            {
                await db.Studies.Where(s => s.Id == row.Id).ExecuteUpdateAsync(
                    s => s.SetProperty(r => r.SealedOriginal, next.SealedOriginal).SetProperty(r => r.SealedProtected, next.SealedProtected), cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Guid>> ClearProtectedIdsAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        // A PNG starts with 0x89; an envelope with "MCE". The test is the database's, so no image leaves it needlessly.
        string sql = db.Database.IsNpgsql()
            ? """SELECT "Id" AS "Value" FROM "Studies" WHERE get_byte("SealedProtected", 0) = 137"""
            : """SELECT "Id" AS "Value" FROM "Studies" WHERE substr("SealedProtected", 1, 1) = x'89'""";
        return await db.Database.SqlQueryRaw<Guid>(sql).ToListAsync(cancellationToken);
    }

    public async Task<SealedStudy?> FindSealedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.AsNoTracking().Where(s => s.Id == id)
            .Select(s => new SealedStudy(s.Id, s.SchemeId, s.SchemeKeyId, s.ProtectedNonce, s.SealedProtected, s.SealedOriginal))
            .SingleOrDefaultAsync(cancellationToken);
    }

    private static StudyRecord Record(StudyDetails study, SealedStudy images) => new()
    {
        Id = study.Id,
        CreatedAt = study.CreatedAt,
        UploadedBy = study.UploadedBy,
        FileName = study.FileName,
        SchemeId = images.SchemeId,
        SchemeKeyId = images.SchemeKeyId,
        ProtectedNonce = images.ProtectedNonce,
        SealedProtected = images.SealedProtected,
        SealedOriginal = images.SealedOriginal,
        OriginalWidth = study.OriginalWidth,
        OriginalHeight = study.OriginalHeight,
        DecryptedForInference = study.DecryptedForInference,
        PatientPseudonym = study.Dicom?.PatientPseudonym,
        DicomMetadata = study.Dicom is null ? null : JsonSerializer.Serialize(study.Dicom.Metadata),
        SeriesId = study.Series?.Id,
        SliceIndex = study.Series?.Index,
        SliceCount = study.Series?.Count,
        Predictions = [.. study.Predictions.Select(p => new PredictionRecord
        {
            StudyId = study.Id,
            Model = p.Model,
            Label = p.Label,
            Tumor = p.Tumor,
            TumorThreshold = p.TumorThreshold,
            TumorProbability = p.TumorProbability,
            Probabilities = JsonSerializer.Serialize(p.Probabilities),
            LatencyMilliseconds = p.LatencyMilliseconds,
            Device = p.Device,
        })],
    };

    private static PredictionView View(PredictionRecord p) => new(
        p.Model, p.Label, p.Tumor, p.TumorProbability, JsonSerializer.Deserialize<Dictionary<string, double>>(p.Probabilities)!, p.LatencyMilliseconds, p.Device, p.TumorThreshold);
}
