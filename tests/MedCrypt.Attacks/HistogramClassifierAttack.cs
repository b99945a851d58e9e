using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// Attribute inference from protected images alone: no picture, only "tumor or not". Each protected image becomes its
/// cumulative value histogram, folded (v and 255 − v counted together, so negative–positive does not hide it), and a
/// 5-nearest-neighbour vote over labelled protected images (the attacker's own uploads, say) labels the others. An
/// outside review broke an earlier pixel-shuffle this way (75 % balanced accuracy); chance is 50 %.
/// </summary>
public static class HistogramClassifierAttack
{
    private const int Neighbours = 5;

    /// <summary>Balanced accuracy of tumor vs no tumor on <paramref name="test"/>, voting among <paramref name="train"/>.</summary>
    public static double BalancedAccuracy(IReadOnlyList<(PixelImage Image, bool Tumor)> train, IReadOnlyList<(PixelImage Image, bool Tumor)> test)
    {
        (double[] Features, bool Tumor)[] known = [.. train.Select(t => (Features(t.Image), t.Tumor))];
        int tp = 0, fn = 0, tn = 0, fp = 0;
        foreach ((PixelImage image, bool tumor) in test)
        {
            double[] f = Features(image);
            bool saidTumor = known.OrderBy(k => Distance(f, k.Features)).Take(Neighbours).Count(k => k.Tumor) * 2 > Neighbours;
            (tp, fn, tn, fp) = (tumor, saidTumor) switch
            {
                (true, true) => (tp + 1, fn, tn, fp),
                (true, false) => (tp, fn + 1, tn, fp),
                (false, false) => (tp, fn, tn + 1, fp),
                _ => (tp, fn, tn, fp + 1),
            };
        }

        return 0.5 * (((double)tp / Math.Max(1, tp + fn)) + ((double)tn / Math.Max(1, tn + fp)));
    }

    private static double[] Features(PixelImage image)
    {
        var histogram = new double[128];
        foreach (byte v in image.Pixels)
        {
            histogram[v > 127 ? 255 - v : v]++;
        }

        double sum = 0;
        for (int i = 0; i < histogram.Length; i++)
        {
            sum += histogram[i] / image.ByteCount;
            histogram[i] = sum;
        }

        return histogram;
    }

    private static double Distance(double[] a, double[] b)
    {
        double d = 0;
        for (int i = 0; i < a.Length; i++)
        {
            d += Math.Abs(a[i] - b[i]);
        }

        return d;
    }
}
