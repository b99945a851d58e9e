namespace MedCrypt.Domain.Studies;

/// <summary>One model's (or the ensemble's) reading of a study, with the tumor decision made when it was analysed.</summary>
public sealed record PredictionView(
    string Model,
    string Label,
    bool Tumor,
    double TumorProbability,
    IReadOnlyDictionary<string, double> Probabilities,
    double LatencyMilliseconds,
    string Device)
{
    public const string EnsembleModel = Inference.Classification.Classifier.EnsembleName;
}
