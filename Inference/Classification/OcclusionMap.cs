namespace MedCrypt.Inference.Classification;

/// <summary>
/// An explanation of one prediction, model-agnostic: how much the tumor probability falls when a square of the
/// image is hidden (occlusion sensitivity, Zeiler &amp; Fergus 2014). <see cref="Values"/> is S×S, row-major,
/// 0 (hiding it changes nothing) to 1 (the largest fall), for an overlay on the image.
/// </summary>
public sealed record OcclusionMap(int Size, float[] Values, string Model, double TumorProbability);
