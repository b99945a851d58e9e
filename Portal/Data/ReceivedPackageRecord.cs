namespace MedCrypt.Portal.Data;

/// <summary>The replay ledger: each transfer package taken in, once (its id is the key), and the study it became.</summary>
public sealed class ReceivedPackageRecord
{
    public Guid PackageId { get; set; }

    public Guid StudyId { get; set; }

    public Guid InstitutionId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
