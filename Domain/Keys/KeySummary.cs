namespace MedCrypt.Domain.Keys;

/// <summary>What an administrator sees of a key: never its bytes.</summary>
public sealed record KeySummary(string Id, string Purpose, DateTimeOffset CreatedAt, string CreatedBy, bool Active);
