using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using Ses.Domain;
using Ses.Http.Auth;
using Ses.Journeys;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Http.Api;

/// <summary>
/// GET/POST /api/admin/clock: the virtual clock (SPEC 3, 5). Absent (404) unless <c>Clock:Mode=Virtual</c>.
/// GET /api/admin/storage/round-trips: the storage requests this process has sent since it started (issue 9; the benchmark
/// reads it before and after each phase).
/// </summary>
public static partial class AdminEndpoints
{
    /// <summary>The furthest one request moves the clock.</summary>
    private static readonly TimeSpan MaxMove = TimeSpan.FromDays(3 * 366);

    /// <summary>
    /// The clock after a move: timers fired, journeys skipped because they failed (reported in the log, retried later), and
    /// whether every email the move caused was delivered before it answered (a slow SendGrid delays only emails).
    /// </summary>
    public sealed record ClockView(DateTimeOffset Now, string Mode, int? Fired = null, int? Skipped = null, bool? EmailsDelivered = null);

    /// <summary>Storage requests (table and blob, retries included) this process has sent since it started.</summary>
    /// <param name="TaskHub">The task hub's requests (Durable Task's tables, queues and leases, idle polling included); 0 under the Functions host, whose own process makes them.</param>
    public sealed record RoundTripsView(long Count, long TaskHub);

    public static void MapAdmin(this IEndpointRouteBuilder api)
    {
        api.MapGet("/admin/storage/round-trips", (StorageClients storage) => TypedResults.Ok(new RoundTripsView(storage.RoundTrips.Count, Ses.Journeys.TaskHubRoundTrips.Counter.Count)))
            .RequireAuthorization(Policies.Operator).WithTags("Admin");
        var clock = api.MapGroup("/admin/clock").RequireAuthorization(Policies.Operator).WithTags("Admin");
        clock.MapGet("/", (IServiceProvider services) =>
            services.GetService<JourneyClock>() is { } c ? Results.Ok(new ClockView(c.Now, "virtual")) : NotVirtual());
        clock.MapPost("/", MoveAsync).Produces<ClockView>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/admin/index/rebuild", RebuildIndexAsync).RequireAuthorization(Policies.Operator).WithTags("Admin").Produces<IndexRebuild>();
    }

    /// <summary>
    /// POST /api/admin/index/rebuild: writes the listing of every journey that has none or an older one (the start-up
    /// backfill, on demand, for instance after restoring the journeys table). Scans every journey's state row and opens
    /// those without an up-to-date listing: an operator's tool, not for every request.
    /// </summary>
    private static async Task<IResult> RebuildIndexAsync(JourneyIndex index, CancellationToken ct) => Results.Ok(await index.RebuildAsync(ct));

    private static async Task<IResult> MoveAsync(HttpRequest request, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<JourneyClock>() is not { } clock) return NotVirtual();
        var (body, error) = await JsonBody.ReadAsync(request, ct);
        if (error is not null) return error;
        var element = body!.Value;
        DateTimeOffset target;
        if (element.TryGetProperty("now", out var now))
        {
            if (now.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(now.GetString(), out target) || !HasOffset(now.GetString()!))
            {
                return Problems.Validation("now", "now must be an ISO 8601 timestamp with an offset.");
            }
            if (!InputLimits.InRange(DateOnly.FromDateTime(target.UtcDateTime)) || target - clock.Now > MaxMove)
            {
                return Problems.Validation("now", $"now must be from {InputLimits.RangeText} and at most 3 years after the virtual clock's time.");
            }
        }
        else if (element.TryGetProperty("advanceBy", out var by))
        {
            if (by.ValueKind != JsonValueKind.String || ParseDuration(by.GetString()!) is not { } span || span < TimeSpan.Zero || span > MaxMove || !InputLimits.InRange(DateOnly.FromDateTime((clock.Now + span).UtcDateTime)))
            {
                return Problems.Validation("advanceBy", "advanceBy must be a positive ISO 8601 duration of at most 3 years, such as P3D, PT2H or P6W.");
            }
            target = clock.Now + span;
        }
        else
        {
            return Problems.Validation("body", "Send {\"now\": timestamp} or {\"advanceBy\": duration}.");
        }
        if (target < clock.Now) return Problems.Status(409, "The virtual clock never goes backwards.", $"It is already {clock.Now:O}.");
        var move = await clock.AdvanceToAsync(target, ct);
        return Results.Ok(new ClockView(clock.Now, "virtual", move.Fired, move.Skipped, move.EmailsDelivered));
    }

    private static IResult NotVirtual() => Problems.Status(404, "Not found.", "The clock can only be moved when Clock:Mode is Virtual.");

    private static bool HasOffset(string text) => OffsetShape().IsMatch(text);

    /// <summary>ISO 8601 durations, with weeks (P6W), which XmlConvert does not read.</summary>
    private static TimeSpan? ParseDuration(string text)
    {
        if (WeeksShape().Match(text) is { Success: true } weeks) return TimeSpan.FromDays(7 * int.Parse(weeks.Groups[1].Value));
        try
        {
            return text.Length <= 40 ? XmlConvert.ToTimeSpan(text) : null;
        }
        catch (FormatException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^P(\d{1,3})W$")]
    private static partial Regex WeeksShape();

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex OffsetShape();
}
