using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// Known plaintext against a map that repeats every M×M block: from the one known (plain, protected) pair, count for
/// each protected position j, each plain position p of a block and each sign how many blocks agree
/// (<c>protected[j] == plain[p]</c>, or <c>255 − plain[p]</c>); take the best-supported correspondences greedily,
/// one plain position each, and undo them on the target. A block-wise scheme's true map agrees in every block.
/// </summary>
public sealed class KnownPlaintextBlockMapAttack(int blockSize) : ReconstructionAttack
{
    public int BlockSize { get; } = blockSize >= 1 ? blockSize : throw new ArgumentOutOfRangeException(nameof(blockSize));

    public override string Name => $"known plaintext, block map {BlockSize}";

    public override AttackerKnowledge Knowledge => AttackerKnowledge.KnownPlaintext;

    public override PixelImage Reconstruct(AttackMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        var grid = new BlockGrid(material.KnownPlain, BlockSize);
        int length = grid.Length;
        byte[] plain = grid.Gather(material.KnownPlain);
        byte[] known = grid.Gather(material.KnownProtected);

        // support[(j·L + p)·2 + flipped]: blocks where protected value j is plain value p, as it is or flipped.
        var support = new int[length * length * 2];
        for (int block = 0; block < grid.BlockCount; block++)
        {
            ReadOnlySpan<byte> p = plain.AsSpan(block * length, length);
            ReadOnlySpan<byte> c = known.AsSpan(block * length, length);
            for (int j = 0; j < length; j++)
            {
                Span<int> row = support.AsSpan(j * length * 2, length * 2);
                for (int k = 0; k < length; k++)
                {
                    row[2 * k] += c[j] == p[k] ? 1 : 0;
                    row[(2 * k) + 1] += c[j] == 255 - p[k] ? 1 : 0;
                }
            }
        }

        // Greedy assignment, best-supported first: every protected position gets one plain position and a sign.
        int[] order = [.. Enumerable.Range(0, support.Length).OrderByDescending(i => support[i])];
        var sourceOf = new int[length];
        var flip = new byte[length];
        var protectedTaken = new bool[length];
        var plainTaken = new bool[length];
        foreach (int i in order)
        {
            int j = i / (2 * length), k = i / 2 % length;
            if (!protectedTaken[j] && !plainTaken[k])
            {
                (protectedTaken[j], plainTaken[k]) = (true, true);
                sourceOf[j] = k;
                flip[j] = (i & 1) == 1 ? (byte)0xFF : (byte)0;
            }
        }

        // Undo the learned map on the target: plain[p_j] = target[j] ^ flip_j in every block (edges beyond whole blocks stay as they are).
        PixelImage result = material.Target.Clone();
        ReadOnlySpan<byte> from = material.Target.Pixels;
        Span<byte> to = result.Pixels;
        ReadOnlySpan<int> offsets = grid.Offsets;
        for (int block = 0; block < grid.BlockCount; block++)
        {
            int origin = grid.Origin(block);
            for (int j = 0; j < length; j++)
            {
                to[origin + offsets[sourceOf[j]]] = (byte)(from[origin + offsets[j]] ^ flip[j]);
            }
        }

        return result;
    }
}
