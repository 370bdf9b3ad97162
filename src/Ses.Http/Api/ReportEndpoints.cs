using Ses.Domain;
using Ses.Domain.Calendar;
using Ses.Domain.Statistics;
using Ses.Http.Auth;
using Ses.Infrastructure.Journeys;

namespace Ses.Http.Api;

/// <summary>
/// GET /api/reports/statistics: the official SES statistics' tables from the journeys' own data (SPEC 7), read from their
/// listings (<see cref="JourneyIndex"/>): one query page per 1,000 journeys, no journey opened.
/// </summary>
public static class ReportEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder api) =>
        api.MapGet("/reports/statistics", StatisticsAsync).RequireAuthorization(Policies.Operator).WithTags("Reports")
            .Produces<StatisticsReport>().Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesValidationProblem();

    private static async Task<IResult> StatisticsAsync(
        HttpRequest request, JourneyIndex index, TimeProvider time, string? asOf, string? format, string? rounding, string? table, CancellationToken ct)
    {
        var date = LondonTime.DateOf(time.GetUtcNow());
        if (asOf is not null && (!WireDate.TryParse(asOf, out date) || !InputLimits.InRange(date)))
        {
            return Problems.Validation("asOf", $"asOf must be a date YYYY-MM-DD from {InputLimits.RangeText}.");
        }
        if (format is not (null or "json" or "csv")) return Problems.Validation("format", "format is json or csv.");
        if (rounding is not (null or "none" or "publication")) return Problems.Validation("rounding", "rounding is none or publication.");
        if (table is not null && (format != "csv" || !StatisticsCsv.Tables.Contains(table)))
        {
            return Problems.Validation("table", $"table goes with format=csv and is one of {string.Join(", ", StatisticsCsv.Tables)}.");
        }
        var snapshots = new List<JourneySnapshot>();
        await foreach (var listing in index.ListingsAsync(null, JourneyListing.StatisticsColumns, ct))
        {
            // 13.44: an SRO introduction becomes a referral only when eligibility is confirmed and it gets a PRaP referral ID.
            if (listing.IsReferral) snapshots.Add(listing.Snapshot());
        }
        var report = StatisticsCalculator.Calculate(snapshots, date, rounding == "publication" ? Rounding.Publication : Rounding.None);
        if (format != "csv") return TypedResults.Ok(report);
        var writer = new StringWriter();
        StatisticsCsv.Write(report, writer, table);
        var file = $"ses-statistics-{WireDate.Of(date)}{(table is null ? "" : "-" + table)}.csv";
        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
        return TypedResults.Text(writer.ToString(), "text/csv; charset=utf-8");
    }
}
