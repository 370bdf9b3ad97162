namespace Ses.Domain.Calendar;

/// <summary>
/// The standing rules of UK bank holidays, for years the shipped data does not cover (SPEC 3; data README):
/// Easter by the Gregorian algorithm, first and last Mondays of May, the summer Monday, and fixed dates that move to the
/// next free weekday when they fall on a weekend (substitute days). One-off changes are data: <see cref="OneOffs"/>.
/// </summary>
public static class BankHolidayRules
{
    public static DateOnly EasterSunday(int year)
    {
        // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451, month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }

    public static IReadOnlyList<BankHoliday> Compute(Region region, int year)
    {
        var easter = EasterSunday(year);
        var movable = new List<BankHoliday>
        {
            new(region, easter.AddDays(-2), "Good Friday"),
            new(region, FirstMonday(year, 5), "Early May bank holiday"),
            new(region, LastMonday(year, 5), "Spring bank holiday"),
            new(region, region == Region.Scotland ? FirstMonday(year, 8) : LastMonday(year, 8), "Summer bank holiday"),
        };
        if (region != Region.Scotland) movable.Add(new(region, easter.AddDays(1), "Easter Monday"));

        var taken = movable.Select(h => h.Date).ToHashSet();
        var holidays = new List<BankHoliday>(movable);
        foreach (var (date, title) in FixedDates(region, year).OrderBy(f => f.Date))
        {
            var actual = date;
            while (actual.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || taken.Contains(actual)) actual = actual.AddDays(1);
            taken.Add(actual);
            holidays.Add(new(region, actual, title));
        }
        return ApplyOneOffs(region, year, holidays).OrderBy(h => h.Date).ToArray();
    }

    private static IEnumerable<(DateOnly Date, string Title)> FixedDates(Region region, int year)
    {
        yield return (new DateOnly(year, 1, 1), "New Year’s Day");
        if (region == Region.Scotland) yield return (new DateOnly(year, 1, 2), "2nd January");
        if (region == Region.NorthernIreland)
        {
            yield return (new DateOnly(year, 3, 17), "St Patrick’s Day");
            yield return (new DateOnly(year, 7, 12), "Battle of the Boyne (Orangemen’s Day)");
        }
        if (region == Region.Scotland) yield return (new DateOnly(year, 11, 30), "St Andrew’s Day");
        yield return (new DateOnly(year, 12, 25), "Christmas Day");
        yield return (new DateOnly(year, 12, 26), "Boxing Day");
    }

    /// <summary>One-off changes by royal proclamation (data README): a holiday moved, or a day added.</summary>
    public sealed record OneOff(Region? Region, DateOnly? Replaces, DateOnly Date, string Title);

    public static IReadOnlyList<OneOff> OneOffs { get; } =
    [
        new(null, new DateOnly(2020, 5, 4), new DateOnly(2020, 5, 8), "Early May bank holiday (VE day)"),
        new(null, new DateOnly(2022, 5, 30), new DateOnly(2022, 6, 2), "Spring bank holiday"),
        new(null, null, new DateOnly(2022, 6, 3), "Platinum Jubilee bank holiday"),
        new(null, null, new DateOnly(2022, 9, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II"),
        new(null, null, new DateOnly(2023, 5, 8), "Bank holiday for the coronation of King Charles III"),
        new(Region.Scotland, null, new DateOnly(2026, 6, 15), "World Cup bank holiday"),
    ];

    private static IEnumerable<BankHoliday> ApplyOneOffs(Region region, int year, List<BankHoliday> holidays)
    {
        var changes = OneOffs.Where(o => o.Date.Year == year && (o.Region is null || o.Region == region)).ToArray();
        var replaced = changes.Where(o => o.Replaces is not null).Select(o => o.Replaces!.Value).ToHashSet();
        return holidays.Where(h => !replaced.Contains(h.Date)).Concat(changes.Select(o => new BankHoliday(region, o.Date, o.Title)));
    }

    private static DateOnly FirstMonday(int year, int month)
    {
        var day = new DateOnly(year, month, 1);
        while (day.DayOfWeek != DayOfWeek.Monday) day = day.AddDays(1);
        return day;
    }

    private static DateOnly LastMonday(int year, int month)
    {
        var day = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        while (day.DayOfWeek != DayOfWeek.Monday) day = day.AddDays(-1);
        return day;
    }
}
