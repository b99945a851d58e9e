namespace MedCrypt.Domain.Analysis;

/// <summary>
/// What is installed, for pages and /health: the models, the input size they share, the device they run on (and why
/// not the one asked for), and each one's (and the ensemble's) tumor threshold from the manifest.
/// </summary>
public sealed record InstalledModels(IReadOnlyList<string> Names, int InputSize, string Device, string? DeviceNote, IReadOnlyDictionary<string, double> TumorThresholds);
