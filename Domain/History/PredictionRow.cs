namespace MedCrypt.Domain.History;

/// <summary>One prediction of the history with its study's facts (and, for a slice, its series and place): no pixels, no keys.</summary>
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
    int? SliceIndex = null);
