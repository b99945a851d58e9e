using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Administration;

/// <summary>What the system page shows: the models (null when none are loaded, and why), the database provider and the health checks.</summary>
public sealed record SystemOverview(SystemModels? Models, string ModelStatus, string DatabaseProvider, HealthReport Health);

/// <summary>The installed models, the input size they share, the device they run on, and each one's (and the ensemble's) tumor threshold from the manifest.</summary>
public sealed record SystemModels(IReadOnlyList<string> Names, int InputSize, string Device, string? DeviceNote, IReadOnlyDictionary<string, double> TumorThresholds);
