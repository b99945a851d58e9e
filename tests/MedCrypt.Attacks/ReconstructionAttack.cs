using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Metrics;

namespace MedCrypt.Attacks;

/// <summary>An attack that rebuilds the target's plain slice from what the attacker holds; it is scored by how well the rebuild correlates with the truth.</summary>
public abstract class ReconstructionAttack
{
    /// <summary>Short name, as the report's column header.</summary>
    public abstract string Name { get; }

    public abstract AttackerKnowledge Knowledge { get; }

    /// <summary>A picture of the target's plain slice, of the target's shape.</summary>
    public abstract PixelImage Reconstruct(AttackMaterial material);

    /// <summary>
    /// How many independent values a reconstruction of <paramref name="image"/>'s shape is made of (one per block for a
    /// thumbnail): a picture unrelated to the truth still correlates with it by chance, with a spread of 1/√ that number.
    /// </summary>
    public virtual int IndependentValues(PixelImage image) => image.ByteCount;

    /// <summary>
    /// How picture-like a reconstruction is: the horizontal adjacent-pixel correlation at the reconstruction's own
    /// resolution (a thumbnail's, not its upsampled copy's, which repetition alone makes smooth). A real slice: about 0.9.
    /// </summary>
    public virtual double AdjacentCorrelation(PixelImage reconstruction) =>
        SecurityMetrics.Correlation(reconstruction, AdjacentDirection.Horizontal);

    public override string ToString() => Name;
}
