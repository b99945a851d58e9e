using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Transfer;

namespace MedCrypt.Domain.Studies;

/// <summary>Where studies are kept (the portal's database).</summary>
public interface IStudyStore
{
    /// <summary>
    /// Stores the study, its predictions, <paramref name="entry"/> and, for a study that arrived in a transfer package,
    /// the package's line in the replay ledger, in one transaction, all or nothing, and tells whoever follows new
    /// studies once it has committed.
    /// </summary>
    /// <exception cref="AuditSequenceTakenException">Another writer took the entry's sequence number; nothing was stored.</exception>
    /// <exception cref="Failures.ConflictException">The package is in the ledger already (taken in at the same moment); nothing was stored.</exception>
    Task AddAsync(StudyDetails study, SealedStudy images, AuditEvent entry, ReceivedPackage? received, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a series' slices (each a study with its images and predictions), <paramref name="entry"/> and, for a series
    /// from the PACS, its import key, in one transaction, all or nothing.
    /// </summary>
    /// <exception cref="AuditSequenceTakenException">Another writer took the entry's sequence number; nothing was stored.</exception>
    /// <exception cref="Failures.ConflictException">A series with that import key is stored already; nothing was stored.</exception>
    Task AddSeriesAsync(IReadOnlyList<(StudyDetails Study, SealedStudy Images)> slices, AuditEvent entry, string? importKey, CancellationToken cancellationToken);

    /// <summary>The series stored under a PACS import key, or null.</summary>
    Task<Guid?> ImportedSeriesAsync(string importKey, CancellationToken cancellationToken);

    Task<StudyDetails?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>A series' slices in order; empty when there is no such series.</summary>
    Task<IReadOnlyList<StudyDetails>> SeriesAsync(Guid seriesId, CancellationToken cancellationToken);

    Task<SealedStudy?> FindSealedAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Every study's id, or those stored at or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<Guid>> IdsAsync(DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>The studies whose protected image an earlier version stored in the clear (a PNG, not an envelope).</summary>
    Task<IReadOnlyList<Guid>> ClearProtectedIdsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: each of the studies' sealed images handed to <paramref name="rewrite"/>, and stored as it
    /// answers (null leaves the study as it was). For moving payloads onto a new master key.
    /// </summary>
    Task RewriteSealedAsync(IReadOnlyCollection<Guid> ids, Func<SealedStudy, CancellationToken, Task<SealedStudy?>> rewrite, CancellationToken cancellationToken);
}
