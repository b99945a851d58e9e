namespace MedCrypt.Domain.History;

/// <summary>What one row of the history is: a study (a single image or a whole series) or one model's reading of one slice.</summary>
public enum HistoryLevel
{
    Slice,
    Study,
}
