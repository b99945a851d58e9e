using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// Ciphertext-only: every value folded to the orientation a dark-background slice predicts (v &gt; 127 → 255 − v),
/// positions kept. It undoes negative–positive wherever the plain value was dark, with no key and no block structure.
/// </summary>
public sealed class HistogramFoldAttack : ReconstructionAttack
{
    public override string Name => "histogram fold";

    public override AttackerKnowledge Knowledge => AttackerKnowledge.CiphertextOnly;

    public override PixelImage Reconstruct(AttackMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        PixelImage result = material.Target.Clone();
        Span<byte> pixels = result.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            if (pixels[i] > 127)
            {
                pixels[i] = (byte)(255 - pixels[i]);
            }
        }

        return result;
    }
}
