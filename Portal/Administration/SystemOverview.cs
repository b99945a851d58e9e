using MedCrypt.Domain.Analysis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Administration;

/// <summary>What the system page shows: the models (null when none are loaded, and why), the database provider and the health checks.</summary>
public sealed record SystemOverview(InstalledModels? Models, string ModelStatus, string DatabaseProvider, HealthReport Health);

