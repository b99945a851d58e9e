namespace MedCrypt.Inference.Models;

/// <summary>
/// What an operating point found and cleared on one source's validation slices, as calibration measured it
/// (models/training/medcrypt_training/calibration.py writes them into models.json beside the threshold).
/// </summary>
public sealed record ScreeningCounts(int Tumors, int TumorsFound, int TumorFree, int TumorFreeCleared)
{
    internal const string Invalid = "counts must be non-negative, found at most the tumors and cleared at most the tumor-free slices.";

    /// <summary>Whether every source's counts can be true (none given is valid: calibration wrote none).</summary>
    internal static bool AreValid(IReadOnlyDictionary<string, ScreeningCounts>? bySource) =>
        bySource?.Values.All(c => c is { TumorsFound: >= 0, TumorFreeCleared: >= 0 } && c.TumorsFound <= c.Tumors && c.TumorFreeCleared <= c.TumorFree) ?? true;
}
