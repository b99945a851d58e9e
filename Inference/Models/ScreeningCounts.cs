namespace MedCrypt.Inference.Models;

/// <summary>
/// What an operating point found and cleared on one source's validation slices, as calibration measured it
/// (models/training/medcrypt_training/calibration.py writes them into models.json beside the threshold).
/// </summary>
public sealed record ScreeningCounts(int Tumors, int TumorsFound, int TumorFree, int TumorFreeCleared)
{
    internal bool IsValid => Tumors >= 0 && TumorFree >= 0 && TumorsFound is >= 0 && TumorsFound <= Tumors && TumorFreeCleared >= 0 && TumorFreeCleared <= TumorFree;
}
