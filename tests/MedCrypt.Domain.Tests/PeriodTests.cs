using MedCrypt.Domain.Failures;
using MedCrypt.Domain.History;

namespace MedCrypt.Domain.Tests;

/// <summary>The one time-range rule of the history and the audit log, as the API and the pages apply it.</summary>
public sealed class PeriodTests
{
    private static readonly DateTimeOffset Day = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void To_must_come_after_from_and_one_whole_day_is_a_range()
    {
        Assert.Null(Period.Problem(Day, Day.AddDays(1))); // a day picker's from and to on the same day
        Assert.Null(Period.Problem(null, Day));
        Assert.Null(Period.Problem(Day, null));
        Assert.Equal(Period.Reversed, Period.Problem(Day, Day)); // empty
        Assert.Equal(Period.Reversed, Period.Problem(Day.AddDays(1), Day)); // reversed
        Assert.Equal(Period.Reversed, Assert.Throws<RejectedInputException>(() => Period.EnsureValid(Day.AddSeconds(1), Day)).Message);
        Assert.Equal(Period.Reversed, Assert.Throws<RejectedInputException>(() => new HistoryFilter { From = Day, To = Day }.EnsureValid()).Message);
    }
}
