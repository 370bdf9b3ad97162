using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Outcomes;
using Ses.Functions.Auth;
using Ses.Infrastructure.Journeys;

namespace Ses.Functions.Api;

/// <summary>One tile of the console's home page: how many journeys, and which, so that the tile opens exactly that list.</summary>
public sealed record CaseloadTile(string Key, string Label, int Count, IReadOnlyList<string> JourneyIds);

/// <summary>Who is asking (the console shows only the actions this role may take) and the caseload it may see, counted.</summary>
public sealed record CaseloadSummary(string Role, string? Provider, DateOnly Today, DateOnly WeekEnds, IReadOnlyList<CaseloadTile> Tiles);

/// <summary>GET /api/caseload/summary: read-only counts for the operations console; no personal data.</summary>
public static class CaseloadEndpoints
{
    public static void MapCaseload(this IEndpointRouteBuilder api) =>
        api.MapGet("/caseload/summary", SummaryAsync).RequireAuthorization(Policies.ReadJourneys).WithTags("Journeys").Produces<CaseloadSummary>();

    private static async Task<IResult> SummaryAsync(HttpContext context, JourneyStore store, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var today = LondonTime.DateOf(time.GetUtcNow());
        var weekEnds = today.AddDays((7 - (int)today.DayOfWeek) % 7); // the coming Sunday
        var journeys = new List<Journey>();
        await foreach (var journey in store.AllAsync(ct))
        {
            if (caller.Role != Roles.Provider || journey.Referral.Provider == caller.Provider) journeys.Add(journey);
        }
        CaseloadTile Tile(string key, string label, Func<Journey, bool> test)
        {
            var ids = journeys.Where(test).Select(j => j.JourneyId).Order(StringComparer.Ordinal).ToArray();
            return new CaseloadTile(key, label, ids.Length, ids);
        }
        bool AchievedThisMonth(OutcomeDecision o) =>
            o.State == OutcomeState.Achieved && o.On is { } on && on.Year == today.Year && on.Month == today.Month;
        var tiles = new[]
        {
            Tile("overdue", "Overdue", j => j.Phase != Phase.Closed && j.Deadlines.Any(d => d.State == DeadlineState.Missed)),
            Tile("due-today", "Due today", j => j.NextDeadline?.Due == today),
            Tile("due-this-week", "Due this week", j => j.NextDeadline is { } d && d.Due >= today && d.Due <= weekEnds),
            Tile("awaiting-start", "Awaiting start", j => j.Phase is Phase.Introduced or Phase.Referred or Phase.Assessed),
            Tile("on-provision", "On provision", j => j.Phase == Phase.OnProvision),
            Tile("tracking", "In tracking", j => j.Phase == Phase.Tracking),
            Tile("in-work", "In work", j => j.Phase == Phase.InWork),
            // Outcomes of restricted records are shown only to those who may see them (13.71).
            Tile("outcomes-this-month", "Outcomes this month", j => (!j.Restricted || caller.SeesRestricted)
                && (AchievedThisMonth(j.ShortOutcome) || AchievedThisMonth(j.SustainedOutcome))),
        };
        return TypedResults.Ok(new CaseloadSummary(caller.Role, caller.Provider, today, weekEnds, tiles));
    }
}
