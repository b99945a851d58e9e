namespace MedCrypt.Portal.Auditing;

/// <summary>The chain's verification: valid, or the first broken entry and why.</summary>
public sealed record ChainVerification(bool Valid, long Entries, long? BrokenAt, string? Reason);
