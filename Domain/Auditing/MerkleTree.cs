using System.Numerics;
using System.Security.Cryptography;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// The Merkle tree of RFC 9162 §2.1 (RFC 6962 §2.1): SHA-256, leaf hash SHA-256(0x00 ‖ leaf), node hash
/// SHA-256(0x01 ‖ left ‖ right), a tree of n leaves split at the largest power of two below n. Which subtrees an
/// inclusion or consistency proof consists of depends only on the sizes (<see cref="InclusionRanges"/>,
/// <see cref="ConsistencyRanges"/>), so a proof can be computed in one pass over the leaves
/// (<see cref="MerkleRangeHasher"/>); the verifiers are the RFC's §2.1.3.2 and §2.1.4.2 algorithms.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = SHA256.HashSizeInBytes;

    /// <summary>MTH({}) = SHA-256 of the empty string.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    public static void LeafHash(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([0x00]);
        hash.AppendData(leaf);
        Finish(hash, destination);
    }

    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        // 65 bytes on the stack: one SHA-256 call, no allocation (this runs about twice per leaf).
        Span<byte> node = stackalloc byte[1 + (2 * HashSize)];
        node[0] = 0x01;
        left.CopyTo(node[1..]);
        right.CopyTo(node[(1 + HashSize)..]);
        SHA256.HashData(node, destination);
    }

    /// <summary>The largest power of two strictly below <paramref name="size"/> (&gt; 1): the RFC's split point k.</summary>
    public static long Split(long size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        return (long)BitOperations.RoundUpToPowerOf2((ulong)size) >> 1;
    }

    /// <summary>The subtrees of PATH(index, D[size]) (RFC 9162 §2.1.3.1), in the proof's order.</summary>
    public static List<MerkleRange> InclusionRanges(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var ranges = new List<MerkleRange>();
        Path(index, 0, size, ranges);
        return ranges;

        static void Path(long m, long start, long n, List<MerkleRange> into)
        {
            if (n <= 1)
            {
                return;
            }

            long k = Split(n);
            if (m < k)
            {
                Path(m, start, k, into);
                into.Add(new MerkleRange(start + k, start + n));
            }
            else
            {
                Path(m - k, start + k, n - k, into);
                into.Add(new MerkleRange(start, start + k));
            }
        }
    }

    /// <summary>The subtrees of PROOF(first, D[second]) (RFC 9162 §2.1.4.1), in the proof's order; empty when first is 0 or equals second.</summary>
    public static List<MerkleRange> ConsistencyRanges(long first, long second)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
        var ranges = new List<MerkleRange>();
        if (first > 0 && first < second)
        {
            SubProof(first, 0, second, true, ranges);
        }

        return ranges;

        static void SubProof(long m, long start, long n, bool complete, List<MerkleRange> into)
        {
            if (m == n)
            {
                if (!complete)
                {
                    into.Add(new MerkleRange(start, start + n));
                }

                return;
            }

            long k = Split(n);
            if (m <= k)
            {
                SubProof(m, start, k, complete, into);
                into.Add(new MerkleRange(start + k, start + n));
            }
            else
            {
                SubProof(m - k, start + k, n - k, false, into);
                into.Add(new MerkleRange(start, start + k));
            }
        }
    }

    /// <summary>RFC 9162 §2.1.3.2: does <paramref name="proof"/> prove the leaf at <paramref name="index"/> in a tree of <paramref name="size"/> with <paramref name="root"/>?</summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long index, long size, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size || leafHash.Length != HashSize || root.Length != HashSize)
        {
            return false;
        }

        long fn = index, sn = size - 1;
        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);
        foreach (byte[] p in proof)
        {
            if (sn == 0 || p.Length != HashSize)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(p, r, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                NodeHash(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, root);
    }

    /// <summary>RFC 9162 §2.1.4.2: is the tree of <paramref name="second"/> leaves with <paramref name="secondRoot"/> an append-only extension of the one of <paramref name="first"/> leaves with <paramref name="firstRoot"/>?</summary>
    public static bool VerifyConsistency(long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (first < 0 || first > second || firstRoot.Length != HashSize || secondRoot.Length != HashSize || proof.Any(p => p.Length != HashSize))
        {
            return false;
        }

        if (first == second)
        {
            return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        }

        if (first == 0)
        {
            return proof.Count == 0; // the empty tree is a prefix of every tree
        }

        if (proof.Count == 0)
        {
            return false;
        }

        List<byte[]> path = [.. proof];
        if (BitOperations.IsPow2(first))
        {
            path.Insert(0, firstRoot.ToArray());
        }

        long fn = first - 1, sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[HashSize], sr = stackalloc byte[HashSize];
        path[0].CopyTo(fr);
        path[0].CopyTo(sr);
        foreach (byte[] c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(c, fr, fr);
                NodeHash(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                NodeHash(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(fr, firstRoot) && CryptographicOperations.FixedTimeEquals(sr, secondRoot);
    }

    /// <summary>MTH of all <paramref name="leafHashes"/> (in memory: for tests and small trees; the log itself streams through <see cref="MerkleRootBuilder"/>).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        var builder = new MerkleRootBuilder();
        foreach (byte[] leaf in leafHashes)
        {
            builder.Append(leaf);
        }

        return builder.Root();
    }

    public static List<byte[]> InclusionProof(IReadOnlyList<byte[]> leafHashes, long index) =>
        HashRanges(leafHashes, InclusionRanges(index, leafHashes.Count));

    public static List<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leafHashes, long first) =>
        HashRanges(leafHashes, ConsistencyRanges(first, leafHashes.Count));

    private static List<byte[]> HashRanges(IReadOnlyList<byte[]> leafHashes, List<MerkleRange> ranges)
    {
        var hasher = new MerkleRangeHasher(ranges);
        foreach (byte[] leaf in leafHashes)
        {
            hasher.Append(leaf);
        }

        return hasher.Hashes();
    }

    private static void Finish(IncrementalHash hash, Span<byte> destination)
    {
        if (!hash.TryGetHashAndReset(destination, out int written) || written != HashSize)
        {
            throw new ArgumentException($"The destination must hold {HashSize} bytes.", nameof(destination));
        }
    }
}
