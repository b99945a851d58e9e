namespace MedCrypt.Domain.History;

/// <summary>
/// One study of the history as a whole, in one model's reading (the ensemble's unless the filter names another): a
/// single image, or a series read slice by slice. Its verdict is its slice with the highest P(tumor), as a series'
/// page shows it. No pixels, no keys.
/// </summary>
/// <param name="Id">The single image's study id, or the series' id: the history's <see cref="HistoryFilter.Study"/> drills down to its predictions.</param>
/// <param name="ShownStudyId">The slice that drove the verdict (the study page opens there).</param>
/// <param name="SliceIndex">That slice's place in its series; null for a single image.</param>
/// <param name="TumorThreshold">The operating point that slice was decided at; null for a prediction stored before it was recorded.</param>
public sealed record StudyRow(
    Guid Id,
    bool IsSeries,
    Guid ShownStudyId,
    DateTimeOffset CreatedAt,
    string UploadedBy,
    string FileName,
    string Scheme,
    bool DecryptedForInference,
    string Model,
    int Slices,
    int TumorSlices,
    double TumorProbability,
    int? SliceIndex,
    double? TumorThreshold)
{
    /// <summary>A study is a tumor if any of its slices is read as one.</summary>
    public bool Tumor => TumorSlices > 0;
}
