namespace MedCrypt.Domain.Auditing;

/// <summary>
/// The log's verification against the published heads: valid, or the first broken entry and/or heads line and why.
/// <see cref="SignedEntries"/> entries are anchored by a signed head; <see cref="Refusal"/> is the publisher's
/// last refusal (the log stopped matching the published heads), null while it publishes.
/// </summary>
public sealed record ChainVerification(bool Valid, long Entries, long? BrokenAt, string? Reason, int Heads, long SignedEntries, int? HeadLine, string? Refusal);
