using MedCrypt.Inference.Models;

namespace MedCrypt.Domain.Analysis;

/// <summary>
/// What is installed, for pages and /health: the models, the input size they share, the device they run on (and why
/// not the one asked for), each one's (and the ensemble's) tumor threshold from the manifest with what it found and
/// cleared on the validation split, and which models the ensemble averages.
/// </summary>
public sealed record InstalledModels(
    IReadOnlyList<string> Names,
    int InputSize,
    string Device,
    string? DeviceNote,
    IReadOnlyDictionary<string, double> TumorThresholds,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, ScreeningCounts>> ScreeningValidation,
    IReadOnlyCollection<string> EnsembleMembers);
