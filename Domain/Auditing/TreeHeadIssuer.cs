namespace MedCrypt.Domain.Auditing;

/// <summary>
/// Makes the next signed tree head from the log, refusing when the log no longer extends the last published head:
/// one pass over the first <c>size</c> entries checks the chain, computes the root at the last head's size (which
/// must equal its signed root) and the consistency proof from it, verifies that proof against both roots as an
/// outside verifier would, and only then signs.
/// </summary>
public static class TreeHeadIssuer
{
    /// <param name="mustHold">The last entry the running writer appended: the pass that is signed must hold it as written.</param>
    public static async Task<TreeHeadIssue> NextAsync(
        IAsyncEnumerable<AuditEvent> entries, long size, SignedTreeHead? last, TreeHeadSigner signer, DateTimeOffset now, CancellationToken cancellationToken,
        AppendedEntry? mustHold = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(signer);
        long from = last?.TreeSize ?? 0;
        if (size < from)
        {
            return TreeHeadIssue.Refused($"the log holds {size} entries but the last published head signed {from}: entries {size + 1}–{from} were removed");
        }

        var cursor = new ChainCursor();
        var tree = new MerkleRootBuilder();
        var proof = new MerkleRangeHasher(MerkleTree.ConsistencyRanges(from, size));
        byte[] leaf = new byte[AuditChain.HashSize];
        byte[]? rootAtLast = from == 0 ? MerkleTree.EmptyRoot() : null;
        try
        {
            await foreach (AuditEvent entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (tree.Size == size)
                {
                    break; // entries appended since the size was read wait for the next head
                }

                if (cursor.Next(entry, leaf) is { } broken)
                {
                    return TreeHeadIssue.Refused($"entry {broken.Sequence}: {broken.Reason}");
                }

                if (entry.Sequence == mustHold?.Sequence && mustHold.Differs(entry) is { } changed)
                {
                    return TreeHeadIssue.Refused(changed);
                }

                tree.Append(leaf);
                proof.Append(leaf);
                if (tree.Size == from)
                {
                    rootAtLast = tree.Root();
                }
            }
        }
        catch (AuditEntryUnreadableException e)
        {
            return TreeHeadIssue.Refused(e.Message);
        }

        if (tree.Size < size)
        {
            return TreeHeadIssue.Refused($"the log ended after {tree.Size} of {size} entries while it was read");
        }

        if (mustHold is not null && mustHold.Sequence > size)
        {
            return TreeHeadIssue.Refused($"entry {mustHold.Sequence}, appended by this portal, is gone: the log holds {size} entries");
        }

        byte[] root = tree.Root();
        List<byte[]> consistency = proof.Hashes();
        if (last is not null && (rootAtLast is null || !MerkleTree.VerifyConsistency(from, size, last.RootHash, root, consistency)))
        {
            return TreeHeadIssue.Refused(
                $"the first {from} entries no longer match the last published head: the log was edited, reordered, truncated or replaced since it was signed");
        }

        return TreeHeadIssue.Issued(signer.Sign(size, root, now, last is null ? null : from, consistency));
    }
}

/// <summary>A new head, or why none may be published.</summary>
public sealed record TreeHeadIssue(SignedTreeHead? Head, string? Refusal)
{
    public static TreeHeadIssue Issued(SignedTreeHead head) => new(head, null);

    public static TreeHeadIssue Refused(string reason) => new(null, reason);
}
