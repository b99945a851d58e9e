namespace MedCrypt.Portal.Data;

/// <summary>The replay ledger: each transfer package taken in, once (the sender's signing key and the package id are the key), and the study it became.</summary>
public sealed class ReceivedPackageRecord
{
    public required string SenderFingerprint { get; set; }

    public Guid PackageId { get; set; }

    public Guid StudyId { get; set; }

    public Guid InstitutionId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
