using System.Globalization;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.History;

/// <summary>What the prediction history is narrowed to and ordered by; every criterion optional.</summary>
public sealed record HistoryFilter
{
    /// <summary>Studies created at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Studies created before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    public string? Model { get; init; }

    public string? Label { get; init; }

    /// <summary>Part of the uploader's account name.</summary>
    public string? Uploader { get; init; }

    public string? Scheme { get; init; }

    public bool? DecryptedForInference { get; init; }

    public double? MinTumorProbability { get; init; }

    /// <summary>One study's predictions: a single image's, or those of every slice of a series (the drill-down from a <see cref="StudyRow"/>).</summary>
    public Guid? Study { get; init; }

    public HistorySort Sort { get; init; } = HistorySort.Time;

    public bool Descending { get; init; } = true;

    /// <exception cref="RejectedInputException">An empty or reversed time range.</exception>
    public void EnsureValid() => Period.EnsureValid(From, To);

    /// <summary>The criteria in a line, for the audit log.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        Add("from", From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("to", To?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("model", Model);
        Add("label", Label);
        Add("uploader", Uploader);
        Add("scheme", Scheme);
        Add("decrypted", DecryptedForInference?.ToString());
        Add("minTumor", MinTumorProbability?.ToString(CultureInfo.InvariantCulture));
        Add("study", Study?.ToString("D"));
        string line = parts.Count == 0 ? "all" : string.Join(", ", parts);
        return line.Length <= 1024 ? line : line[..1024] + "…"; // the audit entry's detail is bounded

        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={value}");
            }
        }
    }
}

/// <summary>
/// The history's orderings. Time orders by the prediction's id: rows are inserted as studies are analysed, and
/// SQLite cannot order a DateTimeOffset column.
/// </summary>
public enum HistorySort
{
    Time,
    TumorProbability,
    Model,
    Label,
    Uploader,
    Scheme,
    Latency,
}
