using MedCrypt.Domain.Auditing;

namespace MedCrypt.Domain.Transfer;

/// <summary>The institutions this installation knows (the portal's database) and the packages it took in.</summary>
public interface IInstitutionStore
{
    Task<IReadOnlyList<Institution>> ListAsync(CancellationToken cancellationToken);

    Task<Institution?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The institution whose signing key has this fingerprint (<see cref="KeyFingerprint"/>).</summary>
    Task<Institution?> FindBySigningKeyAsync(string fingerprint, CancellationToken cancellationToken);

    /// <summary>Stores the institution and <paramref name="entry"/> in one transaction.</summary>
    /// <exception cref="Failures.ConflictException">One of its keys is already another institution's.</exception>
    /// <exception cref="AuditSequenceTakenException">Another writer took the entry's sequence number; nothing was stored.</exception>
    Task AddAsync(Institution institution, AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>Removes it and stores <paramref name="entry"/> in one transaction. Packages it sent stay in the ledger.</summary>
    /// <exception cref="Failures.NotFoundException">There is none (gone since it was looked up); nothing was stored.</exception>
    Task RemoveAsync(Guid id, AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>The ledger's line for a sender's package, or null when it was never taken in.</summary>
    Task<ReceivedPackage?> ReceivedAsync(string senderFingerprint, Guid packageId, CancellationToken cancellationToken);
}
