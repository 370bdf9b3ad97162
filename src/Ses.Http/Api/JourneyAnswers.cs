using Ses.Domain.Journeys;
using Ses.Http.Auth;
using Ses.Infrastructure.Journeys;
using Ses.Journeys;

namespace Ses.Http.Api;

/// <summary>A request the journey has not answered within the handler's bound: poll <see cref="Location"/> (SPEC 5, ADR 009).</summary>
public sealed record PendingView(string JourneyId, string RequestId, string Location, string Status = "pending");

/// <summary>Turns a journey's answer into the API's: the journey (200/201), its refusal as problem details, or 202 to poll.</summary>
public static class JourneyAnswers
{
    public static string Location(string journeyId, string requestId) => $"/api/journeys/{journeyId}/requests/{requestId}";

    public static async Task<IResult> ToResultAsync(
        JourneyAnswer answer, string journeyId, string requestId, JourneyStore store, Caller caller, CancellationToken ct, bool created = false)
    {
        if (answer.Reply is not { } reply)
        {
            var location = Location(journeyId, requestId);
            return TypedResults.Accepted(location, new PendingView(journeyId, requestId, location));
        }
        return await ToResultAsync(reply, answer.Journey, journeyId, store, caller, ct, created);
    }

    public static async Task<IResult> ToResultAsync(
        StepReply reply, Journey? known, string journeyId, JourneyStore store, Caller caller, CancellationToken ct, bool created = false)
    {
        if (reply.Rejection is { } rejection) return Problems.Rejected(rejection);
        var journey = known ?? (await store.GetAsync(journeyId, ct))?.Journey;
        if (journey is null) return Problems.NotFound(journeyId);
        var view = JourneyView.Of(journey, caller);
        if (created) return TypedResults.Created($"/api/journeys/{journeyId}", view);
        return TypedResults.Ok(reply.Outcome is ReplyOutcome.Applied or ReplyOutcome.Unchanged
            ? view with { Applied = reply.Outcome == ReplyOutcome.Applied, Warnings = reply.Warnings }
            : view);
    }

    public static string NewRequestId() => Guid.NewGuid().ToString("N");
}
