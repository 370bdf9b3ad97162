using System.Globalization;

namespace Ses.Domain.Statistics;

/// <summary>
/// The report as CSV (RFC 4180 quoting), each table with the column headings a reader of the publication expects. The
/// whole report is every table in turn, each block headed by its own header row and separated by an empty line; one table
/// alone (<see cref="Tables"/>) is a plain CSV file. Kept tiny on purpose: the domain takes no packages.
/// </summary>
public static class StatisticsCsv
{
    /// <summary>The tables by their short names (the <c>table</c> query parameter and the console's download links).</summary>
    public static IReadOnlyList<string> Tables { get; } =
        ["lifetime", "monthly", "cohorts", "time-to-outcome", "benefit", "employment-history", "providers"];

    private static readonly string[] OutcomeColumns =
        ["Starts", "Short outcomes", "Sustained outcomes", "Short outcome rate (% of starts)", "Sustained outcome rate (% of starts)"];

    public static void Write(StatisticsReport report, TextWriter writer, string? table = null)
    {
        var first = true;
        foreach (var name in table is null ? Tables : [table])
        {
            if (!first) writer.Write("\r\n");
            first = false;
            WriteTable(report, writer, name);
        }
    }

    private static void WriteTable(StatisticsReport report, TextWriter writer, string table)
    {
        switch (table)
        {
            case "lifetime":
                Line(writer, "As of", "Rounding", "Referrals", "Starts", "Start rate (% of referrals)");
                Line(writer, D(report.AsOf), report.Rounding, N(report.Lifetime.Referrals), N(report.Lifetime.Starts), N(report.Lifetime.StartRate));
                break;
            case "monthly":
                Line(writer, "Month", "Referrals", "Starts");
                foreach (var m in report.Monthly) Line(writer, m.Month, N(m.Referrals), N(m.Starts));
                break;
            case "cohorts":
                Line(writer, ["Start quarter", .. OutcomeColumns]);
                foreach (var o in report.Cohorts.Append(report.CohortTotal)) Outcome(writer, o);
                break;
            case "time-to-outcome":
                Line(writer, "Months from start", "Short outcomes achieved by then (cumulative %)", "Sustained outcomes achieved by then (cumulative %)");
                foreach (var t in report.TimeToOutcome)
                {
                    Line(writer, t.Months.ToString(CultureInfo.InvariantCulture), N(t.ShortCumulativeShare), N(t.SustainedCumulativeShare));
                }
                break;
            case "benefit":
                Line(writer, ["Benefit at referral", .. OutcomeColumns]);
                foreach (var o in report.ByBenefit) Outcome(writer, o);
                break;
            case "employment-history":
                Line(writer, ["Employment in the 2 years before start", .. OutcomeColumns]);
                foreach (var o in report.ByEmploymentHistory) Outcome(writer, o);
                break;
            case "providers":
                Line(writer, "Provider", "Starts", "Short outcomes", "Short outcomes expected (30% of starts)", "Short performance (% of expected)",
                    "Sustained outcomes", "Sustained outcomes expected (18% of starts)", "Sustained performance (% of expected)");
                foreach (var p in report.Providers)
                {
                    Line(writer, p.Provider, N(p.Starts), N(p.ShortOutcomes), N(p.ShortExpected), N(p.ShortPerformance),
                        N(p.SustainedOutcomes), N(p.SustainedExpected), N(p.SustainedPerformance));
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(table), table, $"One of {string.Join(", ", Tables)}.");
        }
    }

    public static string Quote(string? field) =>
        field is null ? "" : field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"")}\"" : field;

    private static void Outcome(TextWriter writer, OutcomeRow o) =>
        Line(writer, o.Key, N(o.Starts), N(o.ShortOutcomes), N(o.SustainedOutcomes), N(o.ShortRate), N(o.SustainedRate));

    private static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? N(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static void Line(TextWriter writer, params string?[] fields) => writer.Write(string.Join(',', fields.Select(Quote)) + "\r\n");
}
