using MedCrypt.Domain.Analysis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Health;

/// <summary>Which models are loaded and on which device; degraded while no models are installed.</summary>
internal sealed class ModelsHealthCheck(ModelRuntime models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (models.Installed is not { } installed)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"Scans cannot be classified yet: {models.Status}."));
        }

        var data = new Dictionary<string, object>
        {
            ["device"] = installed.Device,
            ["models"] = installed.Names.ToArray(),
            ["inputSize"] = installed.InputSize,
        };
        if (installed.DeviceNote is { } note)
        {
            data["deviceNote"] = note;
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{installed.Names.Count} model(s) on {installed.Device}", data));
    }
}
