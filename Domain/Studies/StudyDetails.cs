namespace MedCrypt.Domain.Studies;

/// <summary>A study as pages and the API show it: what was analysed, how, by whom, and what the models said. Never its sealed images.</summary>
public sealed record StudyDetails(
    Guid Id,
    DateTimeOffset CreatedAt,
    string UploadedBy,
    string FileName,
    string SchemeId,
    int OriginalWidth,
    int OriginalHeight,
    bool DecryptedForInference,
    IReadOnlyList<PredictionView> Predictions,
    DicomStudyInfo? Dicom = null,
    SeriesPosition? Series = null)
{
    /// <summary>The ensemble's reading, the study's verdict (null only for a study stored without one).</summary>
    public PredictionView? Verdict => Predictions.FirstOrDefault(p => p.Model == PredictionView.EnsembleModel);
}
