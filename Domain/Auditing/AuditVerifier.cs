namespace MedCrypt.Domain.Auditing;

/// <summary>
/// Verifies the audit log against the published tree heads in one pass over the entries, in O(log n) memory: the
/// heads first (each signed by the published key, each consistent with the one before by its proof, never
/// shrinking), then the entries (numbering, links, hashes; the Merkle root at each head's size equals the signed
/// root), and at the end that the log holds at least as many entries as the last head signed. Reports the first failure.
/// </summary>
public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(
        IAsyncEnumerable<AuditEvent> entries, IReadOnlyList<PublishedHead> published, TreeHeadKey? key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(published);
        var heads = new List<PublishedHead>();
        foreach (PublishedHead line in published)
        {
            if (CheckHead(line, heads.Count > 0 ? heads[^1] : null, key) is { } reason)
            {
                return new AuditVerification(false, 0, heads.Count, heads.Count > 0 ? heads[^1].Head!.TreeSize : 0, null, line.Line, reason);
            }

            heads.Add(line);
        }

        // Equal sizes have equal roots (checked above), so one head per size is enough.
        List<PublishedHead> bySize = [.. heads.DistinctBy(h => h.Head!.TreeSize).Where(h => h.Head!.TreeSize > 0)];
        var cursor = new ChainCursor();
        var tree = new MerkleRootBuilder();
        byte[] leaf = new byte[AuditChain.HashSize];
        int next = 0;
        long anchored = 0;
        try
        {
            await foreach (AuditEvent entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (cursor.Next(entry, leaf) is { } broken)
                {
                    return new AuditVerification(false, cursor.Count, heads.Count, anchored, broken.Sequence, null, $"entry {broken.Sequence}: {broken.Reason}");
                }

                tree.Append(leaf);
                if (next < bySize.Count && tree.Size == bySize[next].Head!.TreeSize)
                {
                    PublishedHead head = bySize[next];
                    if (!tree.Root().AsSpan().SequenceEqual(head.Head!.RootHash))
                    {
                        return new AuditVerification(false, cursor.Count, heads.Count, anchored, anchored + 1, head.Line,
                            $"entries {anchored + 1}–{tree.Size} do not match the head signed on line {head.Line} (size {tree.Size}): " +
                            "one of them was edited, removed, inserted or reordered, or the log was replaced, and the chain recomputed");
                    }

                    anchored = tree.Size;
                    next++;
                }
            }
        }
        catch (AuditEntryUnreadableException e)
        {
            return new AuditVerification(false, cursor.Count, heads.Count, anchored, e.After + 1, null, e.Message);
        }

        if (next < bySize.Count)
        {
            PublishedHead head = bySize[^1];
            return new AuditVerification(false, cursor.Count, heads.Count, anchored, cursor.Count + 1, head.Line,
                $"the log holds {cursor.Count} entries but line {head.Line} signed {head.Head!.TreeSize}: entries {cursor.Count + 1}–{head.Head.TreeSize} were removed");
        }

        if (heads.Count == 0 && cursor.Count > 0)
        {
            // The portal publishes its first head when its key is made: an empty heads file over a log is an emptied one.
            return new AuditVerification(false, cursor.Count, 0, 0, 1, null,
                $"the heads file holds no signed head, so none of the {cursor.Count} entries is anchored: it was emptied (restore it from its copy)");
        }

        return new AuditVerification(true, cursor.Count, heads.Count, anchored, null, null, null);
    }

    private static string? CheckHead(PublishedHead line, PublishedHead? previous, TreeHeadKey? key)
    {
        if (line.Head is not { } head)
        {
            return $"heads line {line.Line}: {line.Error}";
        }

        if (key is null)
        {
            return $"heads line {line.Line}: there is no public key to check it with";
        }

        if (!string.Equals(head.KeyId, key.KeyId, StringComparison.Ordinal))
        {
            return $"heads line {line.Line} is signed by another key ({Short(head.KeyId)}), not the published key {Short(key.KeyId)}";
        }

        if (!key.Signed(head))
        {
            return $"heads line {line.Line}: its signature does not verify under the published key (a forged or altered head)";
        }

        if (previous?.Head is not { } before)
        {
            return null;
        }

        if (head.TreeSize < before.TreeSize)
        {
            return $"heads line {line.Line} shrinks the log from {before.TreeSize} to {head.TreeSize} entries";
        }

        if (head.TreeSize == before.TreeSize)
        {
            return head.RootHash.AsSpan().SequenceEqual(before.RootHash) ? null : $"heads line {line.Line} signs another root for the size of line {previous.Line}";
        }

        return head.ConsistencyFrom == before.TreeSize && MerkleTree.VerifyConsistency(before.TreeSize, head.TreeSize, before.RootHash, head.RootHash, head.ConsistencyProof)
            ? null
            : $"heads line {line.Line} is not consistent with line {previous.Line}: its consistency proof from {before.TreeSize} entries does not hold";
    }

    private static string Short(string keyId) => keyId.Length > 16 ? keyId[..16] + "…" : keyId;
}
