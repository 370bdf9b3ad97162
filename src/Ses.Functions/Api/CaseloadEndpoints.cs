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

    /// <summary>Reads only the listings (<see cref="JourneyIndex"/>) in the caller's sight: a provider's are one row key range.</summary>
    private static async Task<IResult> SummaryAsync(HttpContext context, JourneyIndex index, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var today = LondonTime.DateOf(time.GetUtcNow());
        var weekEnds = today.AddDays((7 - (int)today.DayOfWeek) % 7); // the coming Sunday
        var journeys = new List<JourneyListing>();
        // A provider key sees its own provider's journeys, and one configured without a provider none (Caller.CanSee).
        if (caller.Role != Roles.Provider || caller.Provider is not null)
        {
            await foreach (var listing in index.ListingsAsync(caller.Role == Roles.Provider ? caller.Provider : null, JourneyListing.CaseloadColumns, ct))
            {
                journeys.Add(listing);
            }
        }
        CaseloadTile Tile(string key, string label, Func<JourneyListing, bool> test)
        {
            var ids = journeys.Where(test).Select(j => j.JourneyId).Order(StringComparer.Ordinal).ToArray();
            return new CaseloadTile(key, label, ids.Length, ids);
        }
        bool AchievedThisMonth(OutcomeState state, DateOnly? on) =>
            state == OutcomeState.Achieved && on is { } date && date.Year == today.Year && date.Month == today.Month;
        var tiles = new[]
        {
            Tile("overdue", "Overdue", j => j.HasMissedDeadline),
            Tile("due-today", "Due today", j => j.NextDue == today),
            Tile("due-this-week", "Due this week", j => j.NextDue is { } due && due >= today && due <= weekEnds),
            Tile("awaiting-start", "Awaiting start", j => j.Phase is Phase.Introduced or Phase.Referred or Phase.Assessed),
            Tile("on-provision", "On provision", j => j.Phase == Phase.OnProvision),
            Tile("tracking", "In tracking", j => j.Phase == Phase.Tracking),
            Tile("in-work", "In work", j => j.Phase == Phase.InWork),
            // Outcomes of restricted records are shown only to those who may see them (13.71).
            Tile("outcomes-this-month", "Outcomes this month", j => (!j.Restricted || caller.SeesRestricted)
                && (AchievedThisMonth(j.ShortState, j.ShortOn) || AchievedThisMonth(j.SustainedState, j.SustainedOn))),
        };
        return TypedResults.Ok(new CaseloadSummary(caller.Role, caller.Provider, today, weekEnds, tiles));
    }
}
