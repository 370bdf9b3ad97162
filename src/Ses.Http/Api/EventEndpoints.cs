using System.Text.Json;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Http.Auth;
using Ses.Infrastructure.Journeys;
using Ses.Journeys;

namespace Ses.Http.Api;

/// <summary>POST /api/journeys/{id}/events: record what happened (SPEC 4.5), idempotent by <c>eventId</c>.</summary>
public static class EventEndpoints
{
    public static void MapEvents(this IEndpointRouteBuilder api) =>
        api.MapPost("/journeys/{id}/events", RecordAsync).RequireAuthorization(Policies.JourneyWork).WithTags("Journeys")
            .Accepts<ReportedEvent>("application/json")
            .Produces<JourneyView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> RecordAsync(
        string id, HttpRequest request, JourneyStore store, JourneyClient journeys, JourneyRules rules, TimeProvider time, ReferralAliases aliases,
        CancellationToken ct)
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
        var caller = Caller.From(request.HttpContext.User);
        // 13.70: a nominated officer records only what is theirs (a MAPPA participant's contact details), on restricted
        // journeys; everything else is provider staff's or an operator's.
        var officerEvent = reported is ContactDetailsAdded;
        if (caller.Role == Roles.NominatedOfficer ? !(officerEvent && stored!.Journey.Restricted) : officerEvent)
        {
            return Problems.Status(403, "Not for this role.", officerEvent
                ? "Only a nominated officer adds a MAPPA participant's contact details (13.70)."
                : "A nominated officer records only contact-details-added, on MAPPA and SCR journeys.");
        }
        // 13.49: the confirmed introduction takes the PRaP purchase order number; claim it first (see ReferralAliases).
        var claimed = reported is SroEligibilityConfirmed confirmed && stored!.Journey.Phase == Phase.Introduced
            && PurchaseOrderNumber.TryParse(confirmed.PrapReferralId, out var po, out _) ? po.Value : null;
        var created = false;
        if (claimed is not null)
        {
            (var owner, created) = await aliases.ClaimAsync(claimed, id, ct);
            if (owner != id)
            {
                return Problems.Status(409, "The purchase order number belongs to another journey.",
                    $"Purchase order number {claimed} is already journey '{owner}': JCP referred before the introduction was confirmed (13.49).");
            }
        }
        // The decider on the journey as read answers a refusal at once; the orchestration decides again on its own state,
        // which is the decision that counts (another request may have changed the journey in between).
        var now = time.GetUtcNow();
        var asked = new RecordEvent(reported!, eventId, now) { By = caller.Actor };
        if (JourneyDecider.Decide(stored!.Journey, asked, rules).Rejection is { } refused)
        {
            if (created) await aliases.ReleaseAsync(claimed!, id, ct);
            // Idempotency before phase rules: a retry of an event the journey has since moved past is answered as a retry.
            if (eventId is not null && await store.EventKeyAsync(id, eventId, ct) is { } used)
            {
                var judged = JourneyDecider.Decide(stored.Journey, asked with { PreviousUse = used }, rules);
                return judged.Rejection is { } conflict
                    ? Problems.Rejected(conflict)
                    : TypedResults.Ok(JourneyView.Of(stored.Journey, caller) with { Applied = false, Warnings = [] });
            }
            return Problems.Rejected(refused);
        }
        var message = new EventMessage(reported!, eventId) { JourneyId = id, RequestId = JourneyAnswers.NewRequestId(), Now = now, By = caller.Actor };
        var answer = await journeys.SendAsync(message, ct);
        if (created && answer.Reply?.Rejection is not null) await aliases.ReleaseAsync(claimed!, id, ct);
        return await JourneyAnswers.ToResultAsync(answer, id, message.RequestId, store, caller, ct);
    }

    private static string? Truncate(string? text) => text is { Length: > 60 } ? text[..60] + "…" : text;
}

