using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Http.Auth;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Http.Api;

/// <summary>
/// One tile of the console's home page: how many journeys, and the <c>GET /api/journeys</c> query that lists exactly
/// them, page by page (no journey IDs: ADR 009).
/// </summary>
public sealed record CaseloadTile(string Key, string Label, int Count, string Query);

/// <summary>One day of "due this week": how many journeys have their next deadline that day, and the query that lists them.</summary>
public sealed record CaseloadDay(DateOnly Date, int Count, string Query);

/// <summary>Who is asking (the console shows only the actions this role may take) and the caseload it may see, counted.</summary>
/// <param name="CountedAt">When the listings were counted: counts are at most <c>Caseload:CountsMaxAge</c> old (ADR 009).</param>
public sealed record CaseloadSummary(
    string Role, string? Provider, DateOnly Today, DateOnly WeekEnds, IReadOnlyList<CaseloadTile> Tiles, IReadOnlyList<CaseloadDay> Week,
    DateTimeOffset CountedAt);

/// <summary>GET /api/caseload/summary: read-only counts for the operations console; no personal data, no ID lists.</summary>
public static class CaseloadEndpoints
{
    public static void MapCaseload(this IEndpointRouteBuilder api) =>
        api.MapGet("/caseload/summary", SummaryAsync).RequireAuthorization(Policies.ReadJourneys).WithTags("Journeys").Produces<CaseloadSummary>();

    /// <summary>The counts in the caller's sight (a provider's listings are one row key range), from <see cref="CaseloadCounts"/>.</summary>
    private static async Task<IResult> SummaryAsync(HttpContext context, CaseloadCounts caseload, TimeProvider time, RealClock realClock, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var today = LondonTime.DateOf(time.GetUtcNow());
        var weekEnds = today.AddDays((7 - (int)today.DayOfWeek) % 7); // the coming Sunday
        var scope = new CaseloadScope(caller.Role == Roles.Provider ? caller.Provider : null, caller.SeesRestricted, today, weekEnds);
        // A provider key sees its own provider's journeys, and one configured without a provider none.
        var (counts, countedAt) = caller.SeesNoJourney
            ? new CaseloadCounted(new CaseloadTally(scope), realClock.Now)
            : await caseload.GetAsync(scope, ct);
        var month = WireDate.MonthOf(today);
        string Due(DateOnly from, DateOnly to) => $"dueFrom={WireDate.Of(from)}&dueBefore={WireDate.Of(to.AddDays(1))}";
        var tiles = new[]
        {
            new CaseloadTile("overdue", "Overdue", counts.Missed, "missedDeadline=true"),
            new CaseloadTile("due-today", "Due today", counts.DueOn[0], Due(today, today)),
            new CaseloadTile("due-this-week", "Due this week", counts.DueOn.Sum(), Due(today, weekEnds)),
            new CaseloadTile("awaiting-start", "Awaiting start", counts.AwaitingStart, "phase=introduced,referred,assessed"),
            new CaseloadTile("on-provision", "On provision", counts.Of(Phase.OnProvision), "phase=on-provision"),
            new CaseloadTile("tracking", "In tracking", counts.Of(Phase.Tracking), "phase=tracking"),
            new CaseloadTile("in-work", "In work", counts.Of(Phase.InWork), "phase=in-work"),
            new CaseloadTile("outcomes-this-month", "Outcomes this month", counts.Outcomes, $"outcomeMonth={month}"),
        };
        var week = counts.DueOn.Select((count, i) => new CaseloadDay(today.AddDays(i), count, Due(today.AddDays(i), today.AddDays(i)))).ToArray();
        return TypedResults.Ok(new CaseloadSummary(caller.Role, caller.Provider, today, weekEnds, tiles, week, countedAt));
    }
}
