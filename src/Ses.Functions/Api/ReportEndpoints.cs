using Ses.Domain;
using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Domain.Statistics;
using Ses.Functions.Auth;
using Ses.Infrastructure.Journeys;

namespace Ses.Functions.Api;

/// <summary>GET /api/reports/statistics: the official SES statistics' tables from the journeys' own data (SPEC 7).</summary>
public static class ReportEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder api) =>
        api.MapGet("/reports/statistics", StatisticsAsync).RequireAuthorization(Policies.Operator).WithTags("Reports")
            .Produces<StatisticsReport>().Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesValidationProblem();

    private static async Task<IResult> StatisticsAsync(
        HttpRequest request, JourneyStore store, TimeProvider time, string? asOf, string? format, string? rounding, string? table, CancellationToken ct)
    {
        var date = LondonTime.DateOf(time.GetUtcNow());
        if (asOf is not null && (!DateOnly.TryParseExact(asOf, "yyyy-MM-dd", out date) || !InputLimits.InRange(date)))
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
        await foreach (var journey in store.AllAsync(ct))
        {
            // 13.44: an SRO introduction becomes a referral only when eligibility is confirmed and it gets a PRaP referral ID.
            if (journey.Referral.Channel == Channel.Sro && journey.ReferralId == journey.Referral.ReferralId) continue;
            snapshots.Add(Snapshot(journey));
        }
        var report = StatisticsCalculator.Calculate(snapshots, date, rounding == "publication" ? Rounding.Publication : Rounding.None);
        if (format != "csv") return TypedResults.Ok(report);
        var writer = new StringWriter();
        StatisticsCsv.Write(report, writer, table);
        var file = $"ses-statistics-{date:yyyy-MM-dd}{(table is null ? "" : "-" + table)}.csv";
        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
        return TypedResults.Text(writer.ToString(), "text/csv; charset=utf-8");
    }

    private static JourneySnapshot Snapshot(Journey j) => new(
        j.ReferralId, j.Referral.Provider, j.ReferralDate, j.StartOn, j.Referral.Participant.Benefit,
        j.Referral.Participant.MonthsEmployedInPrior24, j.ShortOutcome.State, j.ShortOutcome.On, j.SustainedOutcome.State, j.SustainedOutcome.On);
}
