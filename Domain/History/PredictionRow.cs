namespace MedCrypt.Domain.History;

/// <summary>One prediction of the history with its study's facts (and, for a slice, its series and place): no pixels, no keys.</summary>
/// <param name="TumorThreshold">The operating point its tumor decision was taken at; null for predictions stored before it was recorded.</param>
public sealed record PredictionRow(
    long Id,
    Guid StudyId,
    DateTimeOffset CreatedAt,
    string UploadedBy,
    string FileName,
    string Scheme,
    bool DecryptedForInference,
    string Model,
    string Label,
    bool Tumor,
    double TumorProbability,
    double LatencyMilliseconds,
    string Device,
    Guid? SeriesId = null,
    int? SliceIndex = null,
    double? TumorThreshold = null);
