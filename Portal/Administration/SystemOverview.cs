using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Administration;

/// <summary>What the system page shows: the models (null when none are installed), the database provider and the health checks.</summary>
public sealed record SystemOverview(SystemModels? Models, string DatabaseProvider, HealthReport Health);

/// <summary>The installed models, the input size they share and the device they run on.</summary>
public sealed record SystemModels(IReadOnlyList<string> Names, int InputSize, string Device, string? DeviceNote);
