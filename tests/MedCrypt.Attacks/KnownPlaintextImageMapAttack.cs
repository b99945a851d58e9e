using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// Known plaintext against any map of value positions with negative–positive (a whole-image permutation included):
/// from the known (plain, protected) pair, give every protected value j a plain position p holding the same value or
/// its negative, each plain position used once, the nearest to j first (a map that keeps positions is found exactly);
/// then undo that map on the target. It recovers the target only if the target was protected with the pair's map —
/// a scheme that draws a fresh map per image leaves it a random rearrangement. Even a reused whole-image permutation
/// is only partly recovered from one pair: the pair cannot tell apart plain positions holding the same value (the
/// black background), so only rare values land right; a map that keeps positions, or repeats per block, it gets whole.
/// </summary>
public sealed class KnownPlaintextImageMapAttack : ReconstructionAttack
{
    public override string Name => "known plaintext, image map";

    public override AttackerKnowledge Knowledge => AttackerKnowledge.KnownPlaintext;

    public override PixelImage Reconstruct(AttackMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        ReadOnlySpan<byte> plain = material.KnownPlain.Pixels;
        ReadOnlySpan<byte> known = material.KnownProtected.Pixels;
        ReadOnlySpan<byte> target = material.Target.Pixels;
        var candidates = new UnusedPositions(plain);

        PixelImage result = material.Target.CreateLike();
        Span<byte> output = result.Pixels;
        var assigned = new bool[output.Length];
        long sum = 0, count = 0;
        for (int j = 0; j < known.Length; j++)
        {
            int asIs = candidates.Nearest(known[j], j);
            int flipped = candidates.Nearest(255 - known[j], j);
            bool useFlipped = flipped >= 0 && (asIs < 0 || Math.Abs(flipped - j) < Math.Abs(asIs - j));
            int p = useFlipped ? flipped : asIs;
            if (p < 0)
            {
                continue; // no plain value fits: this protected value tells nothing
            }

            candidates.Take(useFlipped ? 255 - known[j] : known[j], p);
            output[p] = (byte)(useFlipped ? 255 - target[j] : target[j]);
            assigned[p] = true;
            sum += output[p];
            count++;
        }

        // Positions no protected value was matched to get the mean: a constant adds no layout of the known slice.
        byte fill = count == 0 ? (byte)128 : (byte)(sum / count);
        for (int p = 0; p < output.Length; p++)
        {
            if (!assigned[p])
            {
                output[p] = fill;
            }
        }

        return result;
    }
}
