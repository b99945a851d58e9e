using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// Builds and checks the audit log's hash chain: hash = SHA-256(previous hash ‖ the entry's fields, each
/// length-prefixed UTF-8). The first entry chains to <see cref="Genesis"/>. Verifying reports the first entry whose
/// hash or link does not hold, so an auditor sees where the log was altered.
/// </summary>
public static class AuditChain
{
    public const int HashSize = SHA256.HashSizeInBytes;

    public static readonly string Genesis = new('0', 64);

    /// <summary>The next entry after <paramref name="previous"/> (null for the first), hashed and linked.</summary>
    public static AuditEvent Append(AuditEvent? previous, DateTimeOffset at, string actor, string action, string subject, AuditOutcome outcome, string detail)
    {
        long sequence = previous is null ? 1 : previous.Sequence + 1;
        string previousHash = previous?.Hash ?? Genesis;
        // Whole microseconds in UTC: what every database keeps of a timestamp, so a stored entry hashes as it was made.
        long ticks = at.UtcTicks - (at.UtcTicks % 10);
        var entry = new AuditEvent(sequence, new DateTimeOffset(ticks, TimeSpan.Zero), actor, action, subject, outcome, detail, previousHash, "");
        return entry with { Hash = HashOf(entry) };
    }

    /// <summary>The first entry (in sequence order) whose hash, link or numbering is wrong; null when the chain holds.</summary>
    public static ChainBreak? Verify(IEnumerable<AuditEvent> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var cursor = new ChainCursor();
        Span<byte> hash = stackalloc byte[HashSize];
        foreach (AuditEvent entry in entries)
        {
            if (cursor.Next(entry, hash) is { } broken)
            {
                return broken;
            }
        }

        return null;
    }

    /// <summary>The entry's hash as bytes (what its Hash column holds in hex): the entry's Merkle leaf too.</summary>
    public static void ComputeHash(AuditEvent e, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (string field in new[]
        {
            e.PreviousHash,
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            e.Actor,
            e.Action,
            e.Subject,
            e.Outcome.ToString(),
            e.Detail,
        })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        if (!hash.TryGetHashAndReset(destination, out int written) || written != HashSize)
        {
            throw new ArgumentException($"The destination must hold {HashSize} bytes.", nameof(destination));
        }
    }

    private static string HashOf(AuditEvent e)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        ComputeHash(e, hash);
        return Convert.ToHexStringLower(hash);
    }
}

/// <summary>Where the chain breaks: the first bad entry's sequence number, and why.</summary>
public sealed record ChainBreak(long Sequence, string Reason);
