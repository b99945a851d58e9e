namespace MedCrypt.Portal.History;

/// <summary>One prediction of the history with its study's facts: no pixels, no keys.</summary>
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
    double TumorProbability,
    double LatencyMilliseconds,
    string Device);

/// <summary>A page of the history and how many rows match in all.</summary>
public sealed record PredictionPage(IReadOnlyList<PredictionRow> Items, int Total, int Page, int PageSize);
