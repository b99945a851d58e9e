namespace MedCrypt.Domain.Keys;

/// <summary>
/// The outcome of moving every sealed original to the current master key: how many were looked at, moved, already
/// under it, and left untouched because they did not open (damaged, or their old key is gone) — those are listed.
/// </summary>
public sealed record RewrapReport(string MasterKeyId, int Examined, int Rewrapped, int AlreadyCurrent, IReadOnlyList<Guid> Failed)
{
    /// <summary>The master key that was replaced, when this report follows a rotation.</summary>
    public string? RetiredMasterKeyId { get; init; }
}
