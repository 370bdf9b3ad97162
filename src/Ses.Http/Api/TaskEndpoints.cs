using System.Text.Json;
using Ses.Domain.Journeys;
using Ses.Http.Auth;
using Ses.Infrastructure.Journeys;
using Ses.Journeys;

namespace Ses.Http.Api;

/// <summary>Optional body of a task completion: how the work was done, e.g. the Track and Trace reference of SESSRO1 (13.48).</summary>
public sealed record CompleteTaskRequest(string? Note);

/// <summary>
/// POST /api/journeys/{id}/tasks/{taskId}/complete (SPEC 5): provider staff (own journeys), operators, and nominated officers
/// on restricted journeys. The history records who and when; completing again changes nothing.
/// </summary>
public static class TaskEndpoints
{
    public static void MapTasks(this IEndpointRouteBuilder api) =>
        api.MapPost("/journeys/{id}/tasks/{taskId}/complete", CompleteAsync).RequireAuthorization(Policies.JourneyWork).WithTags("Journeys")
            .Accepts<CompleteTaskRequest>("application/json").Produces<JourneyView>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> CompleteAsync(
        string id, string taskId, HttpRequest request, JourneyStore store, JourneyClient journeys, JourneyRules rules, TimeProvider time, CancellationToken ct)
    {
        var (stored, denied) = await JourneyAccess.LoadAsync(store, id, request.HttpContext, ct);
        if (denied is not null) return denied;
        var caller = Caller.From(request.HttpContext.User);
        if (caller.Role == Roles.NominatedOfficer && !stored!.Journey.Restricted)
        {
            return Problems.Status(403, "Not for this role.", "Nominated officers complete tasks of MAPPA and SCR journeys only.");
        }
        var (note, error) = await NoteAsync(request, ct);
        if (error is not null) return error;
        var now = time.GetUtcNow();
        var asked = new CompleteTask(taskId, note, now) { By = caller.Actor };
        var pre = JourneyDecider.Decide(stored!.Journey, asked, rules);
        if (pre.Rejection is { } refused) return Problems.Rejected(refused);
        if (pre.Events.Count == 0) return TypedResults.Ok(JourneyView.Of(stored.Journey, caller) with { Applied = false });
        var message = new CompleteTaskMessage(taskId, note) { JourneyId = id, RequestId = JourneyAnswers.NewRequestId(), Now = now, By = caller.Actor };
        var answer = await journeys.SendAsync(message, ct);
        var result = await JourneyAnswers.ToResultAsync(answer, id, message.RequestId, store, caller, ct);
        return answer.Reply is { Rejection: null } reply && answer.Journey is { } after
            ? TypedResults.Ok(JourneyView.Of(after, caller) with { Applied = reply.Outcome == ReplyOutcome.Applied })
            : result;
    }

    /// <summary>The body is optional; when sent it is JSON with an optional <c>note</c> of up to 500 characters.</summary>
    private static async Task<(string? Note, IResult? Error)> NoteAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.HasJsonContentType())) return (null, null);
        var (body, error) = await JsonBody.ReadAsync(request, ct);
        if (error is not null) return (null, error);
        if (!body!.Value.TryGetProperty("note", out var note) || note.ValueKind == JsonValueKind.Null) return (null, null);
        return note.ValueKind == JsonValueKind.String && note.GetString() is { Length: <= 500 } text
            ? (text, null)
            : (null, Problems.Validation("note", "note must be a string of at most 500 characters."));
    }
}
