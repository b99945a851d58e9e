namespace MedCrypt.Domain.Transfer;

/// <summary>The replay ledger's line: a package taken in once, the study it became, from whom.</summary>
public sealed record ReceivedPackage(Guid PackageId, Guid StudyId, Guid InstitutionId, DateTimeOffset ReceivedAt);
