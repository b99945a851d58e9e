using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// Ciphertext-only: undo the flips the most common M×M block reveals (<see cref="ModeBlockMask"/>) and look.
/// Against negative–positive alone (no permutation) that is the slice itself.
/// </summary>
public sealed class ModeMaskAttack(int blockSize) : ReconstructionAttack
{
    public int BlockSize { get; } = blockSize >= 1 ? blockSize : throw new ArgumentOutOfRangeException(nameof(blockSize));

    public override string Name => $"mode mask {BlockSize}";

    public override AttackerKnowledge Knowledge => AttackerKnowledge.CiphertextOnly;

    public override PixelImage Reconstruct(AttackMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        return ModeBlockMask.Unmask(material.Target, BlockSize);
    }
}
