namespace MedCrypt.Domain.Auditing;

/// <summary>
/// Checks the hash chain one entry at a time, in sequence order, so a log of any length verifies in constant memory:
/// each entry must carry the next sequence number, link to the previous entry's hash and match its own.
/// </summary>
public sealed class ChainCursor
{
    private string _previous = AuditChain.Genesis;

    /// <summary>Entries checked and found good so far.</summary>
    public long Count { get; private set; }

    /// <summary>The entry's break, or null; on success <paramref name="hash"/> holds the entry's recomputed hash (its Merkle leaf).</summary>
    public ChainBreak? Next(AuditEvent entry, Span<byte> hash)
    {
        ArgumentNullException.ThrowIfNull(entry);
        long expected = Count + 1;
        if (entry.Sequence != expected)
        {
            return new ChainBreak(expected, $"entry {expected} is missing (found {entry.Sequence} next)");
        }

        if (entry.PreviousHash != _previous)
        {
            return new ChainBreak(entry.Sequence, "it does not link to the entry before it");
        }

        AuditChain.ComputeHash(entry, hash);
        if (!string.Equals(entry.Hash, Convert.ToHexStringLower(hash), StringComparison.Ordinal))
        {
            return new ChainBreak(entry.Sequence, "its content does not match its hash");
        }

        _previous = entry.Hash;
        Count++;
        return null;
    }
}
