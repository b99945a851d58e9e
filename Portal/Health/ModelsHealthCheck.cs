using MedCrypt.Domain.Analysis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Health;

/// <summary>Which models are loaded and on which device; degraded while no models are installed.</summary>
internal sealed class ModelsHealthCheck(ModelRuntime models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (models.Classifier is not { } classifier)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"Scans cannot be classified yet: {models.Status}."));
        }

        var data = new Dictionary<string, object>
        {
            ["device"] = classifier.Device,
            ["models"] = classifier.Models.Select(m => m.Name).ToArray(),
            ["inputSize"] = classifier.InputSize,
        };
        if (classifier.DeviceNote is { } note)
        {
            data["deviceNote"] = note;
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{classifier.Models.Count} model(s) on {classifier.Device}", data));
    }
}
