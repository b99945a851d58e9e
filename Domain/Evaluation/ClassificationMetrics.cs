namespace MedCrypt.Domain.Evaluation;

/// <summary>
/// How well one model did on a labelled set: 4-class accuracy and confusion matrix (rows: truth, columns:
/// prediction), per-class sensitivity and specificity, and tumor vs no tumor sensitivity, specificity and ROC AUC
/// (tumor when P(tumor) is at or above the operating point: the model's from the manifest in the evaluation command).
/// </summary>
public sealed record ClassificationMetrics(
    int Images,
    double Accuracy,
    int[][] Confusion,
    IReadOnlyDictionary<string, ClassRates> PerClass,
    double TumorSensitivity,
    double TumorSpecificity,
    double TumorRocAuc)
{
    /// <param name="truth">The true class index of each image.</param>
    /// <param name="probabilities">Each image's class probabilities, in <paramref name="classes"/> order.</param>
    /// <param name="tumorThreshold">P(tumor) at or above it counts as a tumor.</param>
    public static ClassificationMetrics Compute(
        IReadOnlyList<string> classes, IReadOnlyList<string> tumorClasses, IReadOnlyList<int> truth, IReadOnlyList<double[]> probabilities, double tumorThreshold = 0.5)
    {
        int k = classes.Count;
        int[][] confusion = [.. Enumerable.Range(0, k).Select(_ => new int[k])];
        int correct = 0;
        var tumorScores = new List<(double Score, bool Tumor)>();
        int[] tumorIndices = [.. tumorClasses.Select(c => IndexOf(classes, c))];
        for (int i = 0; i < truth.Count; i++)
        {
            double[] p = probabilities[i];
            int predicted = Array.IndexOf(p, p.Max());
            confusion[truth[i]][predicted]++;
            correct += predicted == truth[i] ? 1 : 0;
            tumorScores.Add((tumorIndices.Sum(t => p[t]), tumorIndices.Contains(truth[i])));
        }

        var perClass = new Dictionary<string, ClassRates>();
        for (int c = 0; c < k; c++)
        {
            int tp = confusion[c][c];
            int fn = confusion[c].Sum() - tp;
            int fp = confusion.Sum(row => row[c]) - tp;
            int tn = truth.Count - tp - fn - fp;
            perClass[classes[c]] = new ClassRates(Ratio(tp, tp + fn), Ratio(tn, tn + fp));
        }

        int tumors = tumorScores.Count(s => s.Tumor);
        int healthy = tumorScores.Count - tumors;
        return new ClassificationMetrics(
            truth.Count,
            Ratio(correct, truth.Count),
            confusion,
            perClass,
            Ratio(tumorScores.Count(s => s.Tumor && s.Score >= tumorThreshold), tumors),
            Ratio(tumorScores.Count(s => !s.Tumor && s.Score < tumorThreshold), healthy),
            RocAuc(tumorScores));
    }

    /// <summary>Mann–Whitney: the chance that a random tumor scores above a random healthy slice (ties count ½).</summary>
    private static double RocAuc(List<(double Score, bool Tumor)> scores)
    {
        double[] positives = [.. scores.Where(s => s.Tumor).Select(s => s.Score).Order()];
        double[] negatives = [.. scores.Where(s => !s.Tumor).Select(s => s.Score).Order()];
        if (positives.Length == 0 || negatives.Length == 0)
        {
            return double.NaN;
        }

        double wins = 0;
        foreach (double p in positives)
        {
            int below = LowerBound(negatives, p);
            int notAbove = UpperBound(negatives, p);
            wins += below + (0.5 * (notAbove - below));
        }

        return wins / ((double)positives.Length * negatives.Length);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int index = Array.BinarySearch(sorted, value);
        if (index < 0)
        {
            return ~index;
        }

        while (index > 0 && sorted[index - 1] == value)
        {
            index--;
        }

        return index;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int index = LowerBound(sorted, value);
        while (index < sorted.Length && sorted[index] == value)
        {
            index++;
        }

        return index;
    }

    private static double Ratio(int part, int whole) => whole == 0 ? double.NaN : (double)part / whole;

    private static int IndexOf(IReadOnlyList<string> items, string item)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] == item)
            {
                return i;
            }
        }

        throw new ArgumentException($"'{item}' is not one of the classes {string.Join(", ", items)}.");
    }
}

/// <summary>One class against the rest: the share of its slices found, and of the others not called it.</summary>
public sealed record ClassRates(double Sensitivity, double Specificity);
