using FsCheck;
using FsCheck.Xunit;
using Ses.Domain.Outcomes;
using Ses.Domain.Referrals;
using Ses.Domain.Statistics;

namespace Ses.Domain.Tests.Statistics;

/// <summary>The tables of the official SES statistics (seeds/001): Tables 1-6 and publication rounding.</summary>
public sealed class StatisticsTests
{
    private static readonly DateOnly AsOf = new(2019, 9, 30);

    private static JourneySnapshot J(
        string referred, string? started = null, string provider = "p1", Benefit benefit = Benefit.Jsa, int months = 0,
        string? shortOn = null, string? sustainedOn = null) => new(
        Guid.NewGuid().ToString("N"), provider, DateOnly.Parse(referred), started is null ? null : DateOnly.Parse(started), benefit, months,
        shortOn is null ? OutcomeState.Pending : OutcomeState.Achieved, shortOn is null ? null : DateOnly.Parse(shortOn),
        sustainedOn is null ? OutcomeState.Pending : OutcomeState.Achieved, sustainedOn is null ? null : DateOnly.Parse(sustainedOn));

    [Fact] // Table 1 and "72% of those referred subsequently start"
    public void Referrals_and_starts_are_counted_by_month_and_over_the_lifetime()
    {
        var report = StatisticsCalculator.Calculate(
            [J("2019-07-03", "2019-08-01"), J("2019-07-20"), J("2019-08-02", "2019-08-20"), J("2019-09-30", "2019-10-02"), J("2019-10-01")],
            AsOf, Rounding.None);
        Assert.Equal(["2019-07", "2019-08", "2019-09"], report.Monthly.Select(m => m.Month));
        Assert.Equal([2m, 1m, 1m], report.Monthly.Select(m => m.Referrals));
        Assert.Equal([0m, 2m, 0m], report.Monthly.Select(m => m.Starts));
        Assert.Equal(new LifetimeRow(4, 2, 50.0m), report.Lifetime);
    }

    [Fact] // "cohort analysis for starts up to and including March 2018" when data runs to September 2019
    public void Only_start_quarters_with_18_months_of_tracking_are_analysed()
    {
        Assert.Equal(new DateOnly(2018, 3, 31), StatisticsCalculator.LastEligibleQuarterEnd(new DateOnly(2019, 9, 30)));
        Assert.Equal(new DateOnly(2017, 12, 31), StatisticsCalculator.LastEligibleQuarterEnd(new DateOnly(2019, 9, 29)));
        var report = StatisticsCalculator.Calculate([J("2018-03-01", "2018-03-31"), J("2018-03-01", "2018-04-01")], AsOf, Rounding.None);
        Assert.Equal(["2018-Q1"], report.Cohorts.Select(c => c.Key));
        Assert.Equal(1m, report.CohortTotal.Starts);
    }

    [Fact] // Table 3: share of starts achieving outcomes, by quarter of start
    public void Outcome_rates_are_shares_of_the_cohorts_starts()
    {
        var report = StatisticsCalculator.Calculate(
        [
            J("2017-01-02", "2017-01-10", shortOn: "2017-06-01", sustainedOn: "2017-09-01"),
            J("2017-01-02", "2017-02-10", shortOn: "2017-07-01"),
            J("2017-01-02", "2017-03-10"),
            J("2017-01-02", "2017-03-11"),
            J("2017-04-02", "2017-04-10", shortOn: "2019-10-01"), // achieved after the report date: not known yet
        ], AsOf, Rounding.None);
        var q1 = report.Cohorts.Single(c => c.Key == "2017-Q1");
        Assert.Equal(new OutcomeRow("2017-Q1", 4, 2, 1, 50.0m, 25.0m), q1);
        Assert.Equal(0m, report.Cohorts.Single(c => c.Key == "2017-Q2").ShortOutcomes);
    }

    [Fact] // Table 2: cumulative share of achieved outcomes by months from start
    public void Time_to_outcome_is_cumulative_and_ends_at_all_achieved_outcomes()
    {
        var report = StatisticsCalculator.Calculate(
        [
            J("2017-01-02", "2017-01-10", shortOn: "2017-04-11"),  // 3 months
            J("2017-01-02", "2017-01-10", shortOn: "2017-07-09"),  // 5 months (one day short of 6)
            J("2017-01-02", "2017-01-10", shortOn: "2018-01-10"),  // 12 months
            J("2017-01-02", "2017-01-10", shortOn: "2018-03-10"),  // 14 months
        ], AsOf, Rounding.None);
        var shares = report.TimeToOutcome.Select(t => t.ShortCumulativeShare).ToArray();
        Assert.Equal(25.0m, shares[3]);
        Assert.Equal(50.0m, shares[5]);
        Assert.Equal(75.0m, shares[12]);
        Assert.Equal(100.0m, shares[^1]);
        Assert.True(shares.Zip(shares.Skip(1)).All(p => p.First <= p.Second));
        Assert.Null(report.TimeToOutcome[0].SustainedCumulativeShare);
    }

    [Fact] // Table 4 and Table 5 groupings
    public void Outcomes_are_analysed_by_benefit_and_by_employment_history()
    {
        var report = StatisticsCalculator.Calculate(
        [
            J("2017-01-02", "2017-01-10", benefit: Benefit.Uc, months: 0, shortOn: "2017-06-01"),
            J("2017-01-02", "2017-01-10", benefit: Benefit.Uc, months: 12),
            J("2017-01-02", "2017-01-10", benefit: Benefit.Esa, months: 13, shortOn: "2017-06-01"),
        ], AsOf, Rounding.None);
        Assert.Equal(50.0m, report.ByBenefit.Single(b => b.Key == "UC").ShortRate);
        Assert.Equal(100.0m, report.ByBenefit.Single(b => b.Key == "ESA").ShortRate);
        Assert.Equal(["none", "up-to-50%", "over-50%"], report.ByEmploymentHistory.Select(h => h.Key));
        Assert.Equal([1m, 1m, 1m], report.ByEmploymentHistory.Select(h => h.Starts));
    }

    [Fact] // Table 6: performance against 30% and 18% of starts
    public void Provider_performance_is_outcomes_as_a_percentage_of_expectation()
    {
        var journeys = Enumerable.Range(0, 10).Select(i => J("2017-01-02", "2017-01-10", provider: "p1",
            shortOn: i < 3 ? "2017-06-01" : null, sustainedOn: i < 1 ? "2017-09-01" : null)).ToList();
        var row = Assert.Single(StatisticsCalculator.Calculate(journeys, AsOf, Rounding.None).Providers);
        Assert.Equal(3.0m, row.ShortExpected);
        Assert.Equal(100.0m, row.ShortPerformance);
        Assert.Equal(1.8m, row.SustainedExpected);
        Assert.Equal(55.6m, row.SustainedPerformance);
    }

    [Theory] // the publication rounds counts to the nearest 10 and rates to whole percents
    [InlineData(14, 10)]
    [InlineData(15, 20)]
    [InlineData(4, 0)]
    [InlineData(9385, 9390)]
    public void Publication_rounding_rounds_counts_to_the_nearest_ten(int count, int rounded) =>
        Assert.Equal(rounded, new Rounder(Rounding.Publication).Count(count));

    [Theory]
    [InlineData(67, 200, 34)]   // 33.5% rounds up
    [InlineData(6740, 9390, 72)] // the publication's lifetime start rate
    [InlineData(1, 3, 33)]
    public void Publication_rounding_rounds_rates_to_whole_percents_from_unrounded_figures(int part, int of, int percent) =>
        Assert.Equal(percent, new Rounder(Rounding.Publication).Rate(part, of));

    [Fact]
    public void The_CSV_quotes_fields_with_commas_quotes_and_newlines()
    {
        Assert.Equal("plain", StatisticsCsv.Quote("plain"));
        Assert.Equal("\"a,b\"", StatisticsCsv.Quote("a,b"));
        Assert.Equal("\"say \"\"hi\"\"\"", StatisticsCsv.Quote("say \"hi\""));
        Assert.Equal("\"two\nlines\"", StatisticsCsv.Quote("two\nlines"));
        var writer = new StringWriter();
        StatisticsCsv.Write(StatisticsCalculator.Calculate([J("2017-01-02", "2017-01-10", provider: "Acme, Ltd")], AsOf, Rounding.Publication), writer);
        Assert.Contains("\r\n\"Acme, Ltd\",0,", writer.ToString());
    }

    [Fact]
    public void Each_CSV_table_has_readable_column_headings_and_the_whole_report_has_every_table()
    {
        var report = StatisticsCalculator.Calculate([J("2017-01-02", "2017-01-10")], AsOf, Rounding.None);
        var whole = new StringWriter();
        StatisticsCsv.Write(report, whole);
        Assert.DoesNotContain(",a,b,c", whole.ToString());
        Assert.Equal(StatisticsCsv.Tables.Count, whole.ToString().Split("\r\n\r\n").Length);
        var monthly = new StringWriter();
        StatisticsCsv.Write(report, monthly, "monthly");
        var lines = monthly.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Month,Referrals,Starts", lines[0]);
        Assert.Equal("2017-01,1,1", lines[1]);
        var providers = new StringWriter();
        StatisticsCsv.Write(report, providers, "providers");
        Assert.StartsWith("Provider,Starts,Short outcomes,Short outcomes expected (30% of starts),Short performance (% of expected),", providers.ToString());
    }

    [Property(MaxTest = 300)]
    public bool Counts_are_consistent_for_any_journeys(int[] seeds)
    {
        var journeys = seeds.Take(60).Select(s =>
        {
            var referred = new DateOnly(2016, 1, 1).AddDays(Math.Abs(s % 1300));
            DateOnly? started = s % 3 == 0 ? null : referred.AddDays(Math.Abs(s % 40));
            DateOnly? shortOn = started is { } st && s % 5 < 2 ? st.AddDays(91) : null;
            DateOnly? sustainedOn = shortOn is { } so && s % 2 == 0 ? so.AddDays(91) : null;
            return new JourneySnapshot($"{s}", $"p{Math.Abs(s % 3)}", referred, started, (Benefit)Math.Abs(s % 7), Math.Abs(s % 25),
                shortOn is null ? OutcomeState.Pending : OutcomeState.Achieved, shortOn, sustainedOn is null ? OutcomeState.Pending : OutcomeState.Achieved, sustainedOn);
        }).ToArray();
        var report = StatisticsCalculator.Calculate(journeys, AsOf, Rounding.None);
        return report.Lifetime.Starts <= report.Lifetime.Referrals
            && report.Cohorts.All(c => c.ShortOutcomes <= c.Starts && c.SustainedOutcomes <= c.ShortOutcomes + c.Starts && c.ShortRate is null or (>= 0 and <= 100))
            && report.Monthly.Sum(m => m.Referrals) == report.Lifetime.Referrals
            && report.CohortTotal.Starts == report.Cohorts.Sum(c => c.Starts);
    }
}
