namespace MedCrypt.Inference.Classification;

/// <summary>
/// One model's reading of one image (or the ensemble's: the mean of the models' probabilities, no logits). Whether it
/// is a tumor is decided here, once, at the model's own operating point from the manifest; everything downstream (API,
/// viewer, dashboard, history) stores and shows this decision and never re-derives it.
/// </summary>
/// <param name="Label">The most probable class on the side of the operating point the reading falls (a tumor class
/// when <see cref="Tumor"/>, else the most probable other one), so the label never contradicts the flag; readings
/// stored before this rule keep the most probable class overall.</param>
public sealed record ModelPrediction(
    string Model,
    IReadOnlyList<float>? Logits,
    IReadOnlyDictionary<string, double> Probabilities,
    string Label,
    double TumorProbability,
    TimeSpan Latency,
    string Device,
    double TumorThreshold)
{
    public bool Tumor => TumorProbability >= TumorThreshold;
}

/// <summary>Every model's prediction and the ensemble's.</summary>
public sealed record Diagnosis(IReadOnlyList<ModelPrediction> Models, ModelPrediction Ensemble);
