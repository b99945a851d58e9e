using System.Text.Json;
using MedCrypt.Portal.Data;

namespace MedCrypt.Portal.Api;

/// <summary>A study as the REST API returns it.</summary>
public sealed record StudyResponse(
    Guid Id, string FileName, string UploadedBy, string Scheme, bool DecryptedForInference, DateTimeOffset CreatedAt, IReadOnlyList<PredictionResponse> Predictions)
{
    public static StudyResponse From(StudyRecord study) => new(
        study.Id,
        study.FileName,
        study.UploadedBy,
        study.SchemeId,
        study.DecryptedForInference,
        study.CreatedAt,
        [.. study.Predictions.OrderBy(p => p.Id).Select(p => new PredictionResponse(
            p.Model, p.Label, p.TumorProbability >= 0.5, p.TumorProbability, JsonSerializer.Deserialize<Dictionary<string, double>>(p.Probabilities)!))]);
}

public sealed record PredictionResponse(string Model, string Label, bool Tumor, double TumorProbability, IReadOnlyDictionary<string, double> Probabilities);
