using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.History;

/// <summary>
/// The one rule for a time range the history and the audit log are filtered by, wherever it is typed (API, page):
/// both ends are instants, and 'to' comes after 'from' (a day picker's 'to' is the end of its day, so one day is valid).
/// </summary>
public static class Period
{
    public const string Reversed = "'to' must be after 'from'.";

    /// <summary>Why the range is refused; null when it is not.</summary>
    public static string? Problem(DateTimeOffset? from, DateTimeOffset? to) => from is { } f && to is { } t && f >= t ? Reversed : null;

    /// <exception cref="RejectedInputException">An empty or reversed range.</exception>
    public static void EnsureValid(DateTimeOffset? from, DateTimeOffset? to)
    {
        if (Problem(from, to) is { } why)
        {
            throw new RejectedInputException(why);
        }
    }
}
