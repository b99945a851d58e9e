namespace MedCrypt.Domain.Studies;

/// <summary>One model's (or the ensemble's) reading of a study, with the tumor decision made when it was analysed.</summary>
/// <param name="TumorThreshold">The operating point the decision was taken at; null for readings stored before it was recorded.</param>
public sealed record PredictionView(
    string Model,
    string Label,
    bool Tumor,
    double TumorProbability,
    IReadOnlyDictionary<string, double> Probabilities,
    double LatencyMilliseconds,
    string Device,
    double? TumorThreshold = null)
{
    public const string EnsembleModel = Inference.Classification.Classifier.EnsembleName;
}
