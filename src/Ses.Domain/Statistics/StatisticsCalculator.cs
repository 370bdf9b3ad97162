using Ses.Domain.Outcomes;
using Ses.Domain.Referrals;

namespace Ses.Domain.Statistics;

/// <summary>
/// The tables of the official SES statistics (seeds/001) from the journeys' own data, as of a date. Outcome analyses
/// cover start cohorts with at least 18 months of tracking ("to ensure all cohorts have at least 18 months to achieve job
/// outcomes"), by calendar quarter of start. Rates are percentages of starts; publication rounding rounds counts to the
/// nearest 10 and rates to whole percents, computed from unrounded figures.
/// </summary>
public static class StatisticsCalculator
{
    public const decimal ShortExpectation = 0.30m;
    public const decimal SustainedExpectation = 0.18m;
    public const int TrackingMonths = 18;

    public static StatisticsReport Calculate(IEnumerable<JourneySnapshot> journeys, DateOnly asOf, Rounding rounding)
    {
        var r = new Rounder(rounding);
        var known = journeys.Where(j => j.ReferralDate <= asOf).Select(j => Clip(j, asOf)).ToArray();
        var starts = known.Where(j => j.StartOn is not null).ToArray();
        var cohortEnd = LastEligibleQuarterEnd(asOf);
        var cohort = starts.Where(j => j.StartOn <= cohortEnd).ToArray();
        return new StatisticsReport(
            asOf, rounding == Rounding.Publication ? "publication" : "none", cohort.Length > 0 ? cohortEnd : null,
            Monthly(known, asOf, r),
            new LifetimeRow(r.Count(known.Length), r.Count(starts.Length), r.Rate(starts.Length, known.Length)),
            cohort.GroupBy(j => Quarter(j.StartOn!.Value)).OrderBy(g => g.Key).Select(g => Row(g.Key, g.ToArray(), r)).ToArray(),
            Row("total", cohort, r),
            TimeToOutcome(cohort, r),
            cohort.GroupBy(j => j.Benefit).OrderBy(g => g.Key).Select(g => Row(g.Key.ToSlug(), g.ToArray(), r)).ToArray(),
            cohort.GroupBy(j => History(j.MonthsEmployedInPrior24)).OrderBy(g => g.Key.Order).Select(g => Row(g.Key.Name, g.ToArray(), r)).ToArray(),
            starts.GroupBy(j => j.Provider).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Provider(g.Key, g.ToArray(), r)).ToArray());
    }

    /// <summary>Outcomes achieved after the report date are not known yet.</summary>
    private static JourneySnapshot Clip(JourneySnapshot j, DateOnly asOf) => j with
    {
        StartOn = j.StartOn <= asOf ? j.StartOn : null,
        ShortState = j.ShortState == OutcomeState.Achieved && j.ShortOn <= asOf && j.StartOn <= asOf ? OutcomeState.Achieved : OutcomeState.Pending,
        SustainedState = j.SustainedState == OutcomeState.Achieved && j.SustainedOn <= asOf && j.StartOn <= asOf ? OutcomeState.Achieved : OutcomeState.Pending,
    };

    /// <summary>The end of the last calendar quarter whose every start has had 18 months of tracking by <paramref name="asOf"/>.</summary>
    public static DateOnly LastEligibleQuarterEnd(DateOnly asOf)
    {
        var candidate = asOf.AddMonths(-TrackingMonths);
        var quarterEnd = new DateOnly(candidate.Year, (candidate.Month - 1) / 3 * 3 + 1, 1).AddMonths(3).AddDays(-1);
        while (quarterEnd.AddMonths(TrackingMonths) > asOf) quarterEnd = quarterEnd.AddDays(1).AddMonths(-3).AddDays(-1);
        return quarterEnd;
    }

    public static string Quarter(DateOnly date) => $"{date.Year}-Q{(date.Month - 1) / 3 + 1}";

    public static (int Order, string Name) History(int monthsEmployed) => monthsEmployed switch
    {
        <= 0 => (0, "none"),
        <= 12 => (1, "up-to-50%"),
        _ => (2, "over-50%"),
    };

    private static IReadOnlyList<MonthRow> Monthly(JourneySnapshot[] known, DateOnly asOf, Rounder r)
    {
        if (known.Length == 0) return [];
        var first = known.Min(j => j.ReferralDate);
        var rows = new List<MonthRow>();
        for (var month = new DateOnly(first.Year, first.Month, 1); month <= asOf; month = month.AddMonths(1))
        {
            var m = month;
            rows.Add(new MonthRow($"{m:yyyy-MM}",
                r.Count(known.Count(j => j.ReferralDate.Year == m.Year && j.ReferralDate.Month == m.Month)),
                r.Count(known.Count(j => j.StartOn is { } s && s.Year == m.Year && s.Month == m.Month))));
        }
        return rows;
    }

    private static OutcomeRow Row(string key, JourneySnapshot[] group, Rounder r)
    {
        int shortCount = group.Count(j => j.ShortState == OutcomeState.Achieved), sustained = group.Count(j => j.SustainedState == OutcomeState.Achieved);
        return new OutcomeRow(key, r.Count(group.Length), r.Count(shortCount), r.Count(sustained), r.Rate(shortCount, group.Length), r.Rate(sustained, group.Length));
    }

    private static IReadOnlyList<TimeToOutcomeRow> TimeToOutcome(JourneySnapshot[] cohort, Rounder r)
    {
        var shortMonths = cohort.Where(j => j.ShortState == OutcomeState.Achieved).Select(j => Months(j.StartOn!.Value, j.ShortOn!.Value)).ToArray();
        var sustainedMonths = cohort.Where(j => j.SustainedState == OutcomeState.Achieved).Select(j => Months(j.StartOn!.Value, j.SustainedOn!.Value)).ToArray();
        var last = shortMonths.Concat(sustainedMonths).DefaultIfEmpty(0).Max();
        return Enumerable.Range(0, Math.Max(last, 24) + 1)
            .Select(m => new TimeToOutcomeRow(m, r.Rate(shortMonths.Count(x => x <= m), shortMonths.Length), r.Rate(sustainedMonths.Count(x => x <= m), sustainedMonths.Length)))
            .ToArray();
    }

    /// <summary>Whole months from start to outcome: an outcome on the same day of a later month counts that month.</summary>
    public static int Months(DateOnly start, DateOnly on) =>
        (on.Year - start.Year) * 12 + on.Month - start.Month - (on.Day < start.Day ? 1 : 0);

    private static ProviderRow Provider(string provider, JourneySnapshot[] starts, Rounder r)
    {
        int shortCount = starts.Count(j => j.ShortState == OutcomeState.Achieved), sustained = starts.Count(j => j.SustainedState == OutcomeState.Achieved);
        decimal shortExpected = ShortExpectation * starts.Length, sustainedExpected = SustainedExpectation * starts.Length;
        return new ProviderRow(provider, r.Count(starts.Length),
            r.Count(shortCount), r.Count(shortExpected), r.Rate(shortCount, shortExpected),
            r.Count(sustained), r.Count(sustainedExpected), r.Rate(sustained, sustainedExpected));
    }
}
