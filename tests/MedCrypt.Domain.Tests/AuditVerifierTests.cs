using System.Security.Cryptography;
using MedCrypt.Domain.Auditing;

namespace MedCrypt.Domain.Tests;

/// <summary>
/// A database writer rewrites the log after heads were published: every rewrite — removed, edited, reordered,
/// truncated, replaced — with the chain recomputed is caught against the signed heads; so are forged heads.
/// </summary>
public sealed class AuditVerifierTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_untouched_log_verifies_against_its_heads()
    {
        using TreeHeadSigner signer = TreeHeadSigner.FromSeed(RandomNumberGenerator.GetBytes(32));
        List<AuditEvent> log = Log(10, "x");
        List<PublishedHead> heads = await PublishAsync(signer, log, 4, 7, 10);
        AuditVerification result = await AuditVerifier.VerifyAsync(Stream(log), heads, signer.PublicKey, TestContext.Current.CancellationToken);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(10, result.SignedEntries);

        // The same seed gives the same key (the key file is the key).
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        using TreeHeadSigner a = TreeHeadSigner.FromSeed(seed), b = TreeHeadSigner.FromSeed(seed);
        Assert.Equal(a.PublicKey.KeyId, b.PublicKey.KeyId);
    }

    [Theory]
    [InlineData("delete", 3, 2)]
    [InlineData("edit", 3, 2)]
    [InlineData("reorder", 3, 2)]
    [InlineData("replace", 1, 1)]
    public async Task A_rewritten_and_recomputed_log_does_not_match_the_signed_heads(string rewrite, long firstBad, int headLine)
    {
        using TreeHeadSigner signer = TreeHeadSigner.FromSeed(RandomNumberGenerator.GetBytes(32));
        List<AuditEvent> log = Log(10, "x");
        List<PublishedHead> heads = await PublishAsync(signer, log, 2, 8);
        List<AuditEvent> forged = Recompute(rewrite switch
        {
            "delete" => [.. log.Where(e => e.Sequence != 4)],
            "edit" => [.. log.Select(e => e.Sequence == 4 ? e with { Detail = "nothing happened" } : e)],
            "reorder" => [.. log.Select(e => e.Sequence == 4 ? log[4] : e.Sequence == 5 ? log[3] : e)],
            _ => Log(12, "y"),
        });
        Assert.Null(AuditChain.Verify(forged)); // the chain alone is fooled

        AuditVerification result = await AuditVerifier.VerifyAsync(Stream(forged), heads, signer.PublicKey, TestContext.Current.CancellationToken);
        Assert.False(result.Valid);
        Assert.Equal(firstBad, result.BrokenAt);
        Assert.Equal(headLine, result.HeadLine);
        Assert.Contains($"do not match the head signed on line {headLine}", result.Reason);
    }

    [Fact]
    public async Task Truncating_below_the_last_head_is_caught_without_any_recomputation()
    {
        using TreeHeadSigner signer = TreeHeadSigner.FromSeed(RandomNumberGenerator.GetBytes(32));
        List<AuditEvent> log = Log(10, "x");
        List<PublishedHead> heads = await PublishAsync(signer, log, 5, 9);
        AuditVerification result = await AuditVerifier.VerifyAsync(Stream(log[..7]), heads, signer.PublicKey, TestContext.Current.CancellationToken);
        Assert.False(result.Valid);
        Assert.Contains("holds 7 entries but line 2 signed 9: entries 8–9 were removed", result.Reason);

        // Entries newer than the last head are not anchored: removing the tenth goes unseen (the documented limit).
        Assert.True((await AuditVerifier.VerifyAsync(Stream(log[..9]), heads, signer.PublicKey, TestContext.Current.CancellationToken)).Valid);
    }

    [Fact]
    public async Task A_forged_head_line_and_a_head_of_another_key_are_rejected()
    {
        using TreeHeadSigner signer = TreeHeadSigner.FromSeed(RandomNumberGenerator.GetBytes(32));
        using TreeHeadSigner other = TreeHeadSigner.FromSeed(RandomNumberGenerator.GetBytes(32));
        List<AuditEvent> log = Log(6, "x");
        List<PublishedHead> heads = await PublishAsync(signer, log, 3);

        // A head for a recomputed log, its signature bytes taken from the genuine head.
        List<AuditEvent> forged = Recompute([.. log.Where(e => e.Sequence != 2)]);
        SignedTreeHead genuine = heads[0].Head!;
        byte[] forgedRoot = (await TreeHeadIssuer.NextAsync(Stream(forged), 5, null, other, Start, TestContext.Current.CancellationToken)).Head!.RootHash;
        var wrongSignature = genuine with { TreeSize = 5, RootHash = forgedRoot, ConsistencyFrom = null };
        AuditVerification result = await AuditVerifier.VerifyAsync(
            Stream(forged), [.. heads, .. PublishedHead.Parse([TreeHeadJson.Write(wrongSignature)]).Select(h => h with { Line = 2 })], signer.PublicKey, TestContext.Current.CancellationToken);
        Assert.False(result.Valid);
        Assert.Equal(2, result.HeadLine);
        Assert.Contains("signature does not verify", result.Reason);

        List<PublishedHead> byOther = await PublishAsync(other, log, 3);
        result = await AuditVerifier.VerifyAsync(Stream(log), byOther, signer.PublicKey, TestContext.Current.CancellationToken);
        Assert.Contains("signed by another key", result.Reason);
        Assert.Contains("not a signed tree head", (await AuditVerifier.VerifyAsync(Stream(log), [.. PublishedHead.Parse(["{\"treeSize\": 3}"])], signer.PublicKey, TestContext.Current.CancellationToken)).Reason);
    }

    [Fact]
    public async Task A_head_is_refused_when_the_log_no_longer_extends_the_last_one()
    {
        using TreeHeadSigner signer = TreeHeadSigner.FromSeed(RandomNumberGenerator.GetBytes(32));
        List<AuditEvent> log = Log(8, "x");
        SignedTreeHead first = (await TreeHeadIssuer.NextAsync(Stream(log), 5, null, signer, Start, TestContext.Current.CancellationToken)).Head!;
        List<AuditEvent> rewritten = Recompute([.. log.Select(e => e.Sequence == 2 ? e with { Actor = "mallory" } : e)]);
        TreeHeadIssue refused = await TreeHeadIssuer.NextAsync(Stream(rewritten), 8, first, signer, Start, TestContext.Current.CancellationToken);
        Assert.Null(refused.Head);
        Assert.Contains("no longer match the last published head", refused.Refusal);
        Assert.Contains("were removed", (await TreeHeadIssuer.NextAsync(Stream(log[..4]), 4, first, signer, Start, TestContext.Current.CancellationToken)).Refusal);
    }

    private static async Task<List<PublishedHead>> PublishAsync(TreeHeadSigner signer, List<AuditEvent> log, params long[] sizes)
    {
        var lines = new List<string>();
        SignedTreeHead? last = null;
        foreach (long size in sizes)
        {
            last = (await TreeHeadIssuer.NextAsync(Stream(log), size, last, signer, Start.AddMinutes(size), TestContext.Current.CancellationToken)).Head!;
            lines.Add(TreeHeadJson.Write(last)); // through the file format
        }

        return [.. PublishedHead.Parse(lines)];
    }

    private static async IAsyncEnumerable<AuditEvent> Stream(IEnumerable<AuditEvent> entries)
    {
        foreach (AuditEvent entry in entries)
        {
            await Task.Yield();
            yield return entry;
        }
    }

    private static List<AuditEvent> Log(int count, string tag)
    {
        var log = new List<AuditEvent>();
        for (int i = 0; i < count; i++)
        {
            log.Add(AuditChain.Append(log.LastOrDefault(), Start.AddMinutes(i), $"user{i % 3}@medcrypt.local", "study.analysed", $"study/{tag}{i}", AuditOutcome.Succeeded, $"detail {i}"));
        }

        return log;
    }

    /// <summary>What a writer without the signing key can do: renumber and rehash the whole chain.</summary>
    private static List<AuditEvent> Recompute(List<AuditEvent> entries)
    {
        var log = new List<AuditEvent>();
        foreach (AuditEvent e in entries)
        {
            log.Add(AuditChain.Append(log.LastOrDefault(), e.At, e.Actor, e.Action, e.Subject, e.Outcome, e.Detail));
        }

        return log;
    }
}
