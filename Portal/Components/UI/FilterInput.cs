namespace MedCrypt.Portal.Components.UI;

/// <summary>What a filter form's fields mean to a query: a blank text is no criterion, and dates are whole UTC days.</summary>
public static class FilterInput
{
    public static string? Text(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The first instant of <paramref name="day"/> (UTC): an inclusive lower bound.</summary>
    public static DateTimeOffset? DayStart(DateTime? day) => day is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d.Date, DateTimeKind.Utc)) : null;

    /// <summary>The first instant after <paramref name="day"/> (UTC): an exclusive upper bound that includes the day.</summary>
    public static DateTimeOffset? DayEnd(DateTime? day) => DayStart(day)?.AddDays(1);
}
