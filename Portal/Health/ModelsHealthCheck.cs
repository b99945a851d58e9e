using MedCrypt.Inference.Classification;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedCrypt.Portal.Health;

/// <summary>Which models are loaded and on which device; degraded while no models are installed.</summary>
internal sealed class ModelsHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Classifier? classifier = services.GetService<Classifier>();
        if (classifier is null)
        {
            return Task.FromResult(HealthCheckResult.Degraded("No models are installed (models/models.json is missing): scans cannot be classified yet."));
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
