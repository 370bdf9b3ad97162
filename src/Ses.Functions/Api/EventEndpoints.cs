using System.Text.Json;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Functions.Auth;
using Ses.Infrastructure.Journeys;

namespace Ses.Functions.Api;

/// <summary>POST /api/journeys/{id}/events: record what happened (SPEC 4.5), idempotent by <c>eventId</c>.</summary>
public static class EventEndpoints
{
    public static void MapEvents(this IEndpointRouteBuilder api) =>
        api.MapPost("/journeys/{id}/events", RecordAsync).RequireAuthorization(Policies.WriteJourneys).WithTags("Journeys")
            .Accepts<ReportedEvent>("application/json")
            .Produces<JourneyView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> RecordAsync(string id, HttpRequest request, JourneyStore store, JourneyEngine engine, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(request, ct);
        if (error is not null) return error;
        var (stored, denied) = await JourneyAccess.LoadAsync(store, id, request.HttpContext, ct);
        if (denied is not null) return denied;
        var element = body!.Value;
        if (!element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return Problems.Validation("type", $"type is required: one of {string.Join(", ", ReportedEventTypes.All)}.");
        }
        if (!ReportedEventTypes.All.Contains(type.GetString()))
        {
            return Problems.Validation("type", $"'{Truncate(type.GetString())}' is not an event type: one of {string.Join(", ", ReportedEventTypes.All)}.");
        }
        string? eventId = null;
        if (element.TryGetProperty("eventId", out var idElement) && idElement.ValueKind != JsonValueKind.Null)
        {
            if (idElement.ValueKind != JsonValueKind.String || idElement.GetString() is not { Length: > 0 and <= InputLimits.EventId } text)
            {
                return Problems.Validation("eventId", $"eventId must be a string of 1 to {InputLimits.EventId} characters.");
            }
            eventId = text;
        }
        var (reported, bindError) = JsonBody.Bind<ReportedEvent>(element);
        if (bindError is not null) return bindError;
        if (ReportedEventLimits.Check(reported!) is { Count: > 0 } limits) return Problems.Validation(limits);
        var result = await engine.ExecuteAsync(id, now => new RecordEvent(reported!, eventId, now), ct: ct);
        var caller = Caller.From(request.HttpContext.User);
        if (result.Rejection is { } rejection) return Problems.Rejected(rejection);
        var warnings = result.Events.OfType<WarningRaised>().Select(w => w.Message).ToArray();
        return TypedResults.Ok(JourneyView.Of((result.Journey ?? stored)!.Journey, caller) with { Applied = result.Changed, Warnings = warnings });
    }

    private static string? Truncate(string? text) => text is { Length: > 60 } ? text[..60] + "…" : text;
}

