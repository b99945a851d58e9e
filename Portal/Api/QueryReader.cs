using System.Globalization;

namespace MedCrypt.Portal.Api;

/// <summary>
/// Reads a query string strictly: each bad value is named in <see cref="Errors"/> (for a 400 problem+json) instead of
/// being ignored; an absent or blank parameter is null or the fallback.
/// </summary>
public sealed class QueryReader(IQueryCollection query)
{
    public const int MaxTextLength = 256;

    public Dictionary<string, string[]> Errors { get; } = [];

    /// <summary>An ISO 8601 date or date-time, UTC unless it says otherwise; a bare date as an end means the end of that day.</summary>
    public DateTimeOffset? Instant(string name, bool endOfDay = false)
    {
        if (Single(name) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day))
        {
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? midnight.AddDays(1) : midnight;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset at))
        {
            return at;
        }

        return Fail<DateTimeOffset?>(name, $"'{name}' must be an ISO 8601 date (2026-11-25) or date-time (2026-11-25T08:00:00Z).", null);
    }

    public string? Text(string name) => Single(name) is { } text && text.Length > MaxTextLength
        ? Fail<string?>(name, $"'{name}' is longer than {MaxTextLength} characters.", null)
        : Single(name);

    public bool? Flag(string name) => Single(name) is not { } text ? null
        : bool.TryParse(text, out bool value) ? value
        : Fail<bool?>(name, $"'{name}' must be true or false.", null);

    public double? Number(string name, double min, double max) => Single(name) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max ? value
        : Fail<double?>(name, $"'{name}' must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.", null);

    public int Integer(string name, int fallback, int min, int max) => Single(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max ? value
        : Fail(name, $"'{name}' must be a whole number from {min} to {max}.", fallback);

    public Guid? Id(string name) => Single(name) is not { } text ? null
        : Guid.TryParseExact(text, "D", out Guid value) ? value
        : Fail<Guid?>(name, $"'{name}' must be an id such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301.", null);

    /// <summary>One of an enum's names, any case (numbers are refused).</summary>
    public TEnum? Choice<TEnum>(string name)
        where TEnum : struct, Enum
    {
        if (Single(name) is not { } text)
        {
            return null;
        }

        if (!char.IsDigit(text[0]) && text[0] != '-' && Enum.TryParse(text, ignoreCase: true, out TEnum value) && Enum.IsDefined(value))
        {
            return value;
        }

        return Fail<TEnum?>(name, $"'{name}' must be one of {string.Join(", ", Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.", null);
    }

    /// <summary>Adds an error that involves more than one parameter.</summary>
    public void Fail(string name, string message) => Errors[name] = [message];

    private T Fail<T>(string name, string message, T fallback)
    {
        Errors[name] = [message];
        return fallback;
    }

    private string? Single(string name)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
        {
            return null;
        }

        if (values.Count > 1)
        {
            return Fail<string?>(name, $"'{name}' is given more than once.", null);
        }

        return values[0]!.Trim();
    }
}
