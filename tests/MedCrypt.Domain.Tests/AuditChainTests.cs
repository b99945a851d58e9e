using MedCrypt.Domain.Auditing;

namespace MedCrypt.Domain.Tests;

public sealed class AuditChainTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_untouched_chain_verifies()
    {
        Assert.Null(AuditChain.Verify(Chain(5)));
        Assert.Null(AuditChain.Verify([]));
        Assert.Equal(AuditChain.Genesis, Chain(1)[0].PreviousHash);
    }

    [Theory]
    [InlineData("actor")]
    [InlineData("detail")]
    [InlineData("outcome")]
    [InlineData("time")]
    public void An_edited_entry_is_reported_as_the_first_break(string field)
    {
        List<AuditEvent> chain = Chain(6);
        chain[3] = field switch
        {
            "actor" => chain[3] with { Actor = "someone-else@medcrypt.local" },
            "detail" => chain[3] with { Detail = "nothing happened" },
            "outcome" => chain[3] with { Outcome = AuditOutcome.Succeeded },
            _ => chain[3] with { At = chain[3].At.AddSeconds(1) },
        };

        ChainBreak? broken = AuditChain.Verify(chain);

        Assert.Equal(4, broken?.Sequence);
        Assert.Contains("hash", broken!.Reason);
    }

    [Fact]
    public void A_removed_entry_and_a_rehashed_forgery_are_both_caught()
    {
        List<AuditEvent> removed = Chain(6);
        removed.RemoveAt(2);
        Assert.Equal(3, AuditChain.Verify(removed)?.Sequence);

        // Recomputing the forged entry's own hash does not help: the next entry still links to the old one.
        List<AuditEvent> forged = Chain(6);
        forged[2] = AuditChain.Append(forged[1], forged[2].At, "mallory", forged[2].Action, forged[2].Subject, forged[2].Outcome, forged[2].Detail);
        Assert.Equal(4, AuditChain.Verify(forged)?.Sequence);
        Assert.Contains("link", AuditChain.Verify(forged)!.Reason);
    }

    private static List<AuditEvent> Chain(int count)
    {
        var chain = new List<AuditEvent>();
        for (int i = 0; i < count; i++)
        {
            chain.Add(AuditChain.Append(
                chain.LastOrDefault(), Start.AddMinutes(i), $"user{i % 3}@medcrypt.local", i % 2 == 0 ? "study.analysed" : "original.viewed",
                $"study/{i}", i == 3 ? AuditOutcome.Denied : AuditOutcome.Succeeded, $"detail {i}"));
        }

        return chain;
    }
}
