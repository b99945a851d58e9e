namespace MedCrypt.Domain.Transfer;

/// <summary>
/// The replay ledger's line: a package taken in once, the study it became, from whom. Keyed by the sender's signing
/// key and the package id together: the id is the sender's choice, shown in every header, so another partner who
/// saw it on its way cannot use it first and have the genuine package refused as a replay.
/// </summary>
public sealed record ReceivedPackage(string SenderFingerprint, Guid PackageId, Guid StudyId, Guid InstitutionId, DateTimeOffset ReceivedAt);
