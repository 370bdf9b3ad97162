using System.Globalization;

namespace Ses.Domain.Statistics;

/// <summary>
/// The report as CSV, one section per table, each row starting with its section name (RFC 4180 quoting). Kept tiny on
/// purpose: the domain takes no packages.
/// </summary>
public static class StatisticsCsv
{
    public static void Write(StatisticsReport report, TextWriter writer)
    {
        Line(writer, "section", "key", "a", "b", "c", "d", "e", "f", "g");
        Line(writer, "report", "asOf", report.AsOf.ToString("yyyy-MM-dd"), report.Rounding, report.CohortStartsTo?.ToString("yyyy-MM-dd"));
        Line(writer, "lifetime", "referrals,starts,startRate", N(report.Lifetime.Referrals), N(report.Lifetime.Starts), N(report.Lifetime.StartRate));
        foreach (var m in report.Monthly) Line(writer, "monthly", m.Month, N(m.Referrals), N(m.Starts));
        foreach (var (section, rows) in new[] { ("cohort", report.Cohorts), ("cohort", new[] { report.CohortTotal }), ("benefit", report.ByBenefit), ("employment-history", report.ByEmploymentHistory) })
        {
            foreach (var o in rows) Line(writer, section, o.Key, N(o.Starts), N(o.ShortOutcomes), N(o.SustainedOutcomes), N(o.ShortRate), N(o.SustainedRate));
        }
        foreach (var t in report.TimeToOutcome) Line(writer, "time-to-outcome", t.Months.ToString(CultureInfo.InvariantCulture), N(t.ShortCumulativeShare), N(t.SustainedCumulativeShare));
        foreach (var p in report.Providers)
        {
            Line(writer, "provider", p.Provider, N(p.Starts), N(p.ShortOutcomes), N(p.ShortExpected), N(p.ShortPerformance),
                N(p.SustainedOutcomes), N(p.SustainedExpected), N(p.SustainedPerformance));
        }
    }

    public static string Quote(string? field) =>
        field is null ? "" : field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"")}\"" : field;

    private static string? N(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static void Line(TextWriter writer, params string?[] fields) => writer.Write(string.Join(',', fields.Select(Quote)) + "\r\n");
}
