using FsCheck;
using FsCheck.Xunit;
using Ses.Domain.Calendar;

namespace Ses.Domain.Tests.Calendar;

public sealed class WorkingDayTests
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.Official;

    [Theory] // SPEC 3 example
    [InlineData(4, 2026, 3, 6)]
    [InlineData(10, 2026, 3, 16)]
    [InlineData(20, 2026, 3, 30)]
    [InlineData(0, 2026, 3, 2)]
    public void Working_days_from_Monday_2_March_2026(int n, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), Calendar.AddWorkingDays(Region.EnglandAndWales, new DateOnly(2026, 3, 2), n));

    [Theory] // SPEC 3: D is day 0 whether or not it is a working day
    [InlineData(2026, 3, 7, 1, 2026, 3, 9)]    // Saturday + 1 = Monday
    [InlineData(2026, 4, 3, 1, 2026, 4, 7)]    // Good Friday + 1 = Tuesday after Easter Monday
    [InlineData(2026, 12, 24, 1, 2026, 12, 29)] // Christmas Eve: 25 Fri, 26-27 weekend, 28 Boxing Day substitute
    public void The_starting_day_is_day_zero_even_on_a_weekend_or_holiday(int y, int m, int d, int n, int ey, int em, int ed) =>
        Assert.Equal(new DateOnly(ey, em, ed), Calendar.AddWorkingDays(Region.EnglandAndWales, new DateOnly(y, m, d), n));

    [Theory] // deadlines across Easter in each region
    [InlineData(Region.EnglandAndWales, 2026, 4, 10)]
    [InlineData(Region.Scotland, 2026, 4, 9)]
    [InlineData(Region.NorthernIreland, 2026, 4, 10)]
    public void Four_working_days_from_the_Thursday_before_Easter_2026(Region region, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), Calendar.AddWorkingDays(region, new DateOnly(2026, 4, 2), 4));

    [Theory] // across Christmas and New Year in each region: 25 Dec Fri, 28 Dec Boxing Day substitute, 1 Jan Fri, 4 Jan Scotland's 2nd January substitute
    [InlineData(Region.EnglandAndWales, 2027, 1, 5)]
    [InlineData(Region.Scotland, 2027, 1, 6)]
    [InlineData(Region.NorthernIreland, 2027, 1, 5)]
    public void Six_working_days_from_23_December_2026(Region region, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), Calendar.AddWorkingDays(region, new DateOnly(2026, 12, 23), 6));

    [Fact]
    public void Negative_counts_go_back_over_holidays() =>
        Assert.Equal(new DateOnly(2026, 4, 2), Calendar.AddWorkingDays(Region.EnglandAndWales, new DateOnly(2026, 4, 8), -2));

    [Fact] // SPEC 3: timers at London local times, GMT and BST
    public void London_times_follow_GMT_and_BST()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 27, 9, 0, 0, TimeSpan.Zero), LondonTime.At(new DateOnly(2026, 3, 27), new TimeOnly(9, 0)));
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 8, 0, 0, TimeSpan.Zero), LondonTime.At(new DateOnly(2026, 3, 30), new TimeOnly(9, 0)));
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 9, 0, 0, TimeSpan.Zero), LondonTime.At(new DateOnly(2026, 10, 26), new TimeOnly(9, 0)));
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 23, 0, 0, TimeSpan.Zero), LondonTime.StartOfNextDay(new DateOnly(2026, 6, 30)));
        Assert.Equal(new DateOnly(2026, 7, 1), LondonTime.DateOf(new DateTimeOffset(2026, 6, 30, 23, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 12, 31), LondonTime.DateOf(new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero)));
    }

    [Fact] // the spring gap and the autumn overlap
    public void Wall_times_in_the_clock_change_gaps_resolve_sensibly()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), LondonTime.At(new DateOnly(2026, 3, 29), new TimeOnly(1, 30)));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), LondonTime.At(new DateOnly(2026, 10, 25), new TimeOnly(1, 30)));
    }

    [Property(MaxTest = 500)] // SPEC 3
    public bool Adding_working_days_never_lands_on_a_weekend_or_holiday(PositiveInt n, int offset, byte regionPick)
    {
        var region = (Region)(regionPick % 3);
        var from = new DateOnly(2014, 1, 1).AddDays(Math.Abs(offset % 9000));
        var day = Calendar.AddWorkingDays(region, from, n.Get % 300);
        return Calendar.IsWorkingDay(region, day);
    }

    [Property(MaxTest = 300)]
    public bool Adding_working_days_is_strictly_monotonic_and_counts_exactly(PositiveInt n, int offset, byte regionPick)
    {
        var region = (Region)(regionPick % 3);
        var from = new DateOnly(2014, 1, 1).AddDays(Math.Abs(offset % 9000));
        var k = n.Get % 200;
        var a = Calendar.AddWorkingDays(region, from, k);
        var b = Calendar.AddWorkingDays(region, from, k + 1);
        var between = Enumerable.Range(1, b.DayNumber - from.DayNumber - 1).Select(i => from.AddDays(i)).Count(d => Calendar.IsWorkingDay(region, d));
        return b > a && between == k;
    }

    [Property(MaxTest = 300)]
    public bool Going_forward_then_back_returns_to_a_working_day_start(PositiveInt n, int offset)
    {
        var from = Calendar.AddWorkingDays(Region.EnglandAndWales, new DateOnly(2020, 1, 1).AddDays(Math.Abs(offset % 4000)), 1);
        var k = n.Get % 100;
        return Calendar.AddWorkingDays(Region.EnglandAndWales, Calendar.AddWorkingDays(Region.EnglandAndWales, from, k), -k) == from;
    }
}
