using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Domain.Studies;

namespace MedCrypt.Portal.Api;

/// <summary>A study as the REST API returns it.</summary>
public sealed record StudyResponse(
    Guid Id, string FileName, string UploadedBy, string Scheme, bool DecryptedForInference, DateTimeOffset CreatedAt, IReadOnlyList<PredictionResponse> Predictions,
    string? PatientPseudonym = null, DicomMetadata? Dicom = null, SeriesPosition? Series = null)
{
    public static StudyResponse From(StudyDetails study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return new(
            study.Id,
            study.FileName,
            study.UploadedBy,
            study.SchemeId,
            study.DecryptedForInference,
            study.CreatedAt,
            [.. study.Predictions.Select(p => new PredictionResponse(p.Model, p.Label, p.Tumor, p.TumorProbability, p.Probabilities, p.TumorThreshold))],
            study.Dicom?.PatientPseudonym,
            study.Dicom?.Metadata,
            study.Series);
    }
}

/// <summary>One model's reading; <c>tumor</c> is the decision made at the model's operating point when the study was analysed.</summary>
/// <param name="TumorThreshold">The operating point <paramref name="Tumor"/> was decided at; null for a study stored before it was recorded.</param>
public sealed record PredictionResponse(string Model, string Label, bool Tumor, double TumorProbability, IReadOnlyDictionary<string, double> Probabilities, double? TumorThreshold);
