using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// Ciphertext-only, the reviewer's attack on <c>block</c>: undo the flips the most common block reveals, then search
/// for the within-block arrangement that makes the whole image smoothest (<see cref="BlockArrangementSearch"/>) and
/// put every block's values back in that order: a full-resolution picture when the search finds the key's permutation.
/// </summary>
public sealed class SmoothnessSearchAttack(int blockSize, int restarts = 24, int seed = 1) : ReconstructionAttack
{
    public int BlockSize { get; } = blockSize >= 2 ? blockSize : throw new ArgumentOutOfRangeException(nameof(blockSize));

    public override string Name => $"mode mask + smoothness search {BlockSize}";

    public override AttackerKnowledge Knowledge => AttackerKnowledge.CiphertextOnly;

    public override PixelImage Reconstruct(AttackMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        PixelImage unmasked = ModeBlockMask.Unmask(material.Target, BlockSize);
        int[] arrangement = BlockArrangementSearch.Find(unmasked, BlockSize, restarts, seed);

        var grid = new BlockGrid(unmasked, BlockSize);
        PixelImage result = unmasked.Clone();
        ReadOnlySpan<byte> from = unmasked.Pixels;
        Span<byte> to = result.Pixels;
        ReadOnlySpan<int> offsets = grid.Offsets;
        for (int block = 0; block < grid.BlockCount; block++)
        {
            int origin = grid.Origin(block);
            for (int q = 0; q < offsets.Length; q++)
            {
                to[origin + offsets[q]] = from[origin + offsets[arrangement[q]]];
            }
        }

        return result;
    }
}
