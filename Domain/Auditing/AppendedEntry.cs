namespace MedCrypt.Domain.Auditing;

/// <summary>An entry the audit writer appended: its number and chain hash, to check that the database still holds it as written.</summary>
public sealed record AppendedEntry(long Sequence, string Hash)
{
    /// <summary>Null when <paramref name="stored"/> is this entry with fields that hash to its hash; else what is wrong.</summary>
    public string? Differs(AuditEvent? stored)
    {
        if (stored is null || stored.Sequence != Sequence)
        {
            return $"entry {Sequence}, appended by this portal, is gone";
        }

        // Recomputed from the stored fields: a writer who edits the fields and leaves the Hash column is caught too.
        Span<byte> hash = stackalloc byte[AuditChain.HashSize];
        AuditChain.ComputeHash(stored, hash);
        return stored.Hash == Hash && Convert.ToHexStringLower(hash) == Hash
            ? null
            : $"entry {Sequence}, appended by this portal, is changed: the database holds another entry under its number";
    }
}
