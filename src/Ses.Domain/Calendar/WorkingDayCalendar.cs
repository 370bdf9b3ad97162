using System.Collections.Concurrent;

namespace Ses.Domain.Calendar;

/// <summary>
/// Working days per region (SPEC 3): Monday to Friday that is not a bank holiday. The official GOV.UK dates for 2015-2030
/// ship as data; other years are computed by <see cref="BankHolidayRules"/>.
/// </summary>
public sealed class WorkingDayCalendar
{
    private const string Resource = "Ses.Domain.Calendar.uk-bank-holidays.csv";
    private static readonly Lazy<WorkingDayCalendar> Shipped = new(LoadShipped);
    private readonly IReadOnlyDictionary<(Region, int), IReadOnlyList<BankHoliday>> _data;
    private readonly ConcurrentDictionary<(Region, int), HashSet<DateOnly>> _years = new();

    private WorkingDayCalendar(IEnumerable<BankHoliday> data) =>
        _data = data.GroupBy(h => (h.Region, h.Date.Year)).ToDictionary(g => g.Key, g => (IReadOnlyList<BankHoliday>)g.OrderBy(h => h.Date).ToArray());

    /// <summary>The official data shipped with the product, with the rules beyond it.</summary>
    public static WorkingDayCalendar Official => Shipped.Value;

    public static WorkingDayCalendar FromCsv(TextReader csv) => new(BankHolidayCsv.Read(csv));

    public IReadOnlyList<BankHoliday> HolidaysIn(Region region, int year) =>
        _data.TryGetValue((region, year), out var listed) ? listed : BankHolidayRules.Compute(region, year);

    public bool IsBankHoliday(Region region, DateOnly date)
    {
        var key = (region, date.Year);
        if (!_years.TryGetValue(key, out var dates))
        {
            dates = _years.GetOrAdd(key, HolidaysIn(region, date.Year).Select(h => h.Date).ToHashSet());
        }
        return dates.Contains(date);
    }

    public bool IsWorkingDay(Region region, DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsBankHoliday(region, date);

    /// <summary>
    /// "N working days from D" (SPEC 3): the N-th working day after D, D itself being day 0 whether or not it is a working
    /// day. A negative N counts back: the |N|-th working day before D.
    /// </summary>
    public DateOnly AddWorkingDays(Region region, DateOnly from, int n)
    {
        var step = Math.Sign(n);
        var day = from;
        for (var counted = 0; counted < Math.Abs(n);)
        {
            day = day.AddDays(step);
            if (IsWorkingDay(region, day)) counted++;
        }
        return day;
    }

    private static WorkingDayCalendar LoadShipped()
    {
        using var stream = typeof(WorkingDayCalendar).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The embedded bank-holiday data {Resource} is missing.");
        using var reader = new StreamReader(stream);
        return FromCsv(reader);
    }
}
