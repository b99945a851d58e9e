namespace MedCrypt.Inference.Classification;

/// <summary>One model's reading of one image (or the ensemble's: the mean of the models' probabilities, no logits).</summary>
public sealed record ModelPrediction(
    string Model,
    IReadOnlyList<float>? Logits,
    IReadOnlyDictionary<string, double> Probabilities,
    string Label,
    double TumorProbability,
    TimeSpan Latency,
    string Device)
{
    public bool Tumor => TumorProbability >= 0.5;
}

/// <summary>Every model's prediction and the ensemble's.</summary>
public sealed record Diagnosis(IReadOnlyList<ModelPrediction> Models, ModelPrediction Ensemble);
