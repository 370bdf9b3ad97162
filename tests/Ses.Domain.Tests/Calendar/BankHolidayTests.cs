using Ses.Domain.Calendar;

namespace Ses.Domain.Tests.Calendar;

public sealed class BankHolidayTests
{
    private static string SharedCsv => Path.Combine(AppContext.BaseDirectory, "shared-uk-bank-holidays.csv");

    private static IReadOnlyList<BankHoliday> Official()
    {
        // The embedded copy is the product's data; when ../shared is present the test also proves it is the official file.
        var embedded = Enumerable.Range(2015, 16).SelectMany(y => Enum.GetValues<Region>().SelectMany(r => WorkingDayCalendar.Official.HolidaysIn(r, y))).ToArray();
        if (File.Exists(SharedCsv))
        {
            using var reader = new StreamReader(SharedCsv);
            var shared = BankHolidayCsv.Read(reader);
            Assert.Equal(shared.OrderBy(h => (h.Region, h.Date)).Select(h => (h.Region, h.Date, h.Title)),
                embedded.OrderBy(h => (h.Region, h.Date)).Select(h => (h.Region, h.Date, h.Title)));
        }
        return embedded;
    }

    public static IEnumerable<object[]> DivisionYears() =>
        from region in Enum.GetValues<Region>() from year in Enumerable.Range(2015, 16) select new object[] { region, year };

    [Theory] // data README: the rules plus the documented one-offs reproduce every official date
    [MemberData(nameof(DivisionYears))]
    public void The_rules_reproduce_every_official_date(Region region, int year)
    {
        var official = Official().Where(h => h.Region == region && h.Date.Year == year).Select(h => h.Date).Order();
        var computed = BankHolidayRules.Compute(region, year).Select(h => h.Date).Order();
        Assert.Equal(official, computed);
    }

    [Fact]
    public void The_shipped_data_has_442_rows_across_three_divisions() =>
        Assert.Equal(442, Official().Count);

    [Theory] // Gregorian Easter
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2035, 3, 25)]
    [InlineData(2038, 4, 25)]
    [InlineData(2285, 3, 22)]
    public void Easter_Sunday_follows_the_Gregorian_computus(int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), BankHolidayRules.EasterSunday(year));

    [Fact] // SPEC 3: years beyond the data are computed, substitute days included
    public void Christmas_2032_on_a_Saturday_moves_to_Monday_27_and_Boxing_Day_to_Tuesday_28()
    {
        var dates = WorkingDayCalendar.Official.HolidaysIn(Region.EnglandAndWales, 2032).Select(h => h.Date).ToArray();
        Assert.Contains(new DateOnly(2032, 12, 27), dates);
        Assert.Contains(new DateOnly(2032, 12, 28), dates);
        Assert.DoesNotContain(new DateOnly(2032, 12, 25), dates);
        Assert.Equal(8, dates.Length);
    }

    [Fact]
    public void Scotland_2033_has_New_Year_on_Monday_3_and_2nd_January_on_Tuesday_4()
    {
        // 1 January 2033 is a Saturday.
        var dates = WorkingDayCalendar.Official.HolidaysIn(Region.Scotland, 2033).Select(h => h.Date).ToArray();
        Assert.Contains(new DateOnly(2033, 1, 3), dates);
        Assert.Contains(new DateOnly(2033, 1, 4), dates);
        Assert.Contains(new DateOnly(2033, 8, 1), dates); // summer: first Monday of August in Scotland
        Assert.DoesNotContain(BankHolidayRules.EasterSunday(2033).AddDays(1), dates); // no Easter Monday
    }

    [Fact]
    public void Northern_Ireland_has_St_Patricks_Day_and_the_Twelfth_with_substitutes()
    {
        var dates = WorkingDayCalendar.Official.HolidaysIn(Region.NorthernIreland, 2034).Select(h => h.Date).ToArray();
        Assert.Contains(new DateOnly(2034, 3, 17), dates);
        Assert.Contains(new DateOnly(2034, 7, 12), dates);
        Assert.Equal(10, dates.Length);
        var y2037 = WorkingDayCalendar.Official.HolidaysIn(Region.NorthernIreland, 2037).Select(h => h.Date).ToArray();
        Assert.Contains(new DateOnly(2037, 7, 13), y2037); // 12 July 2037 is a Sunday
    }

    [Fact] // data README: one-off days are data, not rules
    public void The_one_off_days_are_documented_as_data()
    {
        var dates = BankHolidayRules.OneOffs.Select(o => o.Date).ToArray();
        Assert.Contains(new DateOnly(2020, 5, 8), dates);
        Assert.Contains(new DateOnly(2022, 6, 3), dates);
        Assert.Contains(new DateOnly(2022, 9, 19), dates);
        Assert.Contains(new DateOnly(2023, 5, 8), dates);
        Assert.Contains(new DateOnly(2026, 6, 15), dates);
        Assert.False(WorkingDayCalendar.Official.IsBankHoliday(Region.EnglandAndWales, new DateOnly(2026, 6, 15)));
        Assert.True(WorkingDayCalendar.Official.IsBankHoliday(Region.Scotland, new DateOnly(2026, 6, 15)));
    }

    [Fact]
    public void A_malformed_data_line_is_refused_with_its_line_number()
    {
        var error = Assert.Throws<FormatException>(() => BankHolidayCsv.Read(new StringReader("division,date,title\nengland-and-wales,2026-13-01,Nope\n")));
        Assert.Contains("Line 2", error.Message);
    }

    [Fact]
    public void Quoted_titles_with_commas_are_read()
    {
        var holidays = BankHolidayCsv.Read(new StringReader("division,date,title\nscotland,2026-01-01,\"New Year, \"\"observed\"\"\"\n"));
        Assert.Equal("New Year, \"observed\"", Assert.Single(holidays).Title);
    }
}
