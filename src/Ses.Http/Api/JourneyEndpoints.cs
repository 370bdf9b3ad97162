using Ses.Domain;
using Azure;
using Ses.Domain.Journeys;
using Ses.Http.Auth;
using Ses.Infrastructure.Journeys;
using Ses.Journeys;

namespace Ses.Http.Api;

/// <summary>POST /api/journeys/{id}/terminate: why an operator closes the journey.</summary>
public sealed record TerminateRequest(string Reason);

/// <summary>Reading journeys, their history and emails; terminate and purge for operators (SPEC 5).</summary>
public static class JourneyEndpoints
{
    public static void MapJourneys(this IEndpointRouteBuilder api)
    {
        var journeys = api.MapGroup("/journeys").WithTags("Journeys");
        journeys.MapGet("/", ListAsync).RequireAuthorization(Policies.ReadJourneys).Produces<JourneyPage>().ProducesValidationProblem();
        journeys.MapGet("/{id}", GetAsync).RequireAuthorization(Policies.ReadJourneys).Produces<JourneyView>().ProducesProblem(StatusCodes.Status404NotFound);
        journeys.MapGet("/{id}/history", HistoryAsync).RequireAuthorization(Policies.ReadJourneys).Produces<HistoryPage>().ProducesProblem(StatusCodes.Status404NotFound);
        journeys.MapGet("/{id}/notifications", NotificationsAsync).RequireAuthorization(Policies.ReadJourneys)
            .Produces<Ses.Infrastructure.Outbox.Notification[]>().ProducesProblem(StatusCodes.Status404NotFound);
        journeys.MapGet("/{id}/requests/{requestId}", RequestAsync).RequireAuthorization(Policies.Requests)
            .Produces<JourneyView>().Produces<PendingView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound);
        journeys.MapPost("/{id}/terminate", TerminateAsync).RequireAuthorization(Policies.Operator)
            .Accepts<TerminateRequest>("application/json").Produces<JourneyView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        journeys.MapDelete("/{id}", PurgeAsync).RequireAuthorization(Policies.Operator)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, JourneyStore store, JourneyClient journeys, CancellationToken ct)
    {
        var (stored, error) = await JourneyAccess.LoadAsync(store, id, context, ct);
        if (error is not null) return error;
        // Before the hub serves, nothing is asked of it (a call to a socket not there yet makes gRPC back off).
        var status = "starting";
        if (journeys.Ready)
        {
            var instance = await journeys.Client.GetInstanceAsync(Names.InstanceId(id), getInputsAndOutputs: false, ct);
            status = instance is null ? "missing" : Ses.Domain.Kebab.Of(instance.RuntimeStatus);
        }
        return TypedResults.Ok(JourneyView.Of(stored!.Journey, Caller.From(context.User)) with { Orchestration = new OrchestrationView(Names.InstanceId(id), status) });
    }

    /// <summary>
    /// One page of journey listings (<see cref="JourneyIndex"/>), next due first (then by journey ID; nothing due last):
    /// every provider's list and each provider's own is one row key range of the Index table (ADR 009), so a page costs
    /// one query whatever the number of journeys of other providers, and a due date range narrows the range itself. Every
    /// filter combines with the others (<see cref="JourneyListQuery"/>); each caseload tile is one of these queries.
    /// </summary>
    /// <param name="phase">One or several phases, repeated or comma-separated (<c>phase=referred,assessed</c>).</param>
    /// <param name="overdue">SPEC 4.4's overdue only.</param>
    /// <param name="missedDeadline">Open journeys with a missed deadline only (the "Overdue" tile).</param>
    /// <param name="dueFrom">Next deadline due on or after this date (YYYY-MM-DD).</param>
    /// <param name="dueBefore">Next deadline due before this date (YYYY-MM-DD).</param>
    /// <param name="outcomeMonth">A short or sustained outcome achieved in this month (YYYY-MM); restricted records only for nominated officers.</param>
    /// <param name="referralIdPrefix">Referral IDs starting with this.</param>
    private static async Task<IResult> ListAsync(
        HttpContext context, JourneyIndex index, ContinuationTokens tokens, string[]? phase, string? provider, bool? overdue,
        bool? missedDeadline, string? dueFrom, string? dueBefore, string? outcomeMonth, string? referralIdPrefix,
        int? pageSize, string? continuationToken, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var (filter, invalid) = JourneyListQuery.Parse(caller, phase, provider, overdue, missedDeadline, dueFrom, dueBefore, outcomeMonth, referralIdPrefix);
        if (invalid is not null) return invalid;
        if (pageSize is < 1 or > 200) return Problems.Validation("pageSize", "pageSize must be a whole number from 1 to 200.");
        var continuation = continuationToken is null ? null : tokens.Unprotect(continuationToken);
        if (continuationToken is not null && continuation is null) return NotOurToken();
        if (caller.SeesNoJourney) return TypedResults.Ok(new JourneyPage([], null));
        try
        {
            var (listings, next) = await index.PageAsync(filter!, pageSize ?? 50, continuation, ct);
            return TypedResults.Ok(new JourneyPage(listings.Select(Summary).ToArray(), tokens.Protect(next)));
        }
        catch (Exception ex) when (continuation is not null && ex is RequestFailedException { Status: 400 } or FormatException or ArgumentException)
        {
            return NotOurToken();
        }
    }

    internal static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem NotOurToken() =>
        Problems.Validation("continuationToken", "continuationToken is not one this API gave out: pass the continuationToken of the previous page unchanged.");

    private static JourneySummary Summary(JourneyListing l) => new(
        l.JourneyId, l.ReferralId, l.Provider, Kebab.Of(l.Phase), l.Closure is { } closure ? Kebab.Of(closure) : null,
        l.NextDeadline is { } kind ? Kebab.Of(kind) : null, l.NextDue is { } due ? WireDate.Of(due) : null, l.Overdue, l.Restricted, l.Version);

    private static async Task<IResult> HistoryAsync(
        string id, HttpContext context, JourneyStore store, ContinuationTokens tokens, int? pageSize, string? continuationToken, CancellationToken ct)
    {
        var (stored, error) = await JourneyAccess.LoadAsync(store, id, context, ct);
        if (error is not null) return error;
        if (pageSize is < 1 or > 1000) return Problems.Validation("pageSize", "pageSize must be between 1 and 1000.");
        var continuation = continuationToken is null ? null : tokens.Unprotect(continuationToken);
        if (continuationToken is not null && continuation is null) return NotOurToken();
        var full = !stored!.Journey.Restricted || Caller.From(context.User).SeesRestricted;
        try
        {
            var (entries, next) = await store.HistoryPageAsync(id, pageSize ?? 500, continuation, ct);
            return TypedResults.Ok(new HistoryPage(
                entries.Select(e => new HistoryView(e.Version, e.Kind, e.At, ActorOf(e.Event), full ? e.Event : null)).ToArray(), tokens.Protect(next)));
        }
        catch (Exception ex) when (continuation is not null && ex is RequestFailedException { Status: 400 } or FormatException or ArgumentException)
        {
            return NotOurToken();
        }
    }

    /// <summary>SPEC 5.1: who caused the entry. Entries written before actors were recorded show <c>unknown</c>.</summary>
    private static ActorView ActorOf(JourneyEvent e) => e.By is { } by ? new ActorView(by.Name, by.Role) : new ActorView("unknown", "unknown");

    private static async Task<IResult> NotificationsAsync(string id, HttpContext context, JourneyStore store, CancellationToken ct)
    {
        var (_, error) = await JourneyAccess.LoadAsync(store, id, context, ct);
        return error ?? TypedResults.Ok(await store.NotificationsAsync(id, ct));
    }

    /// <summary>
    /// The answer to a request that was answered 202 (the journey had not decided within the handler's bound): 202 while
    /// it is still on its way, then the answer the request would have had.
    /// </summary>
    private static async Task<IResult> RequestAsync(string id, string requestId, HttpContext context, JourneyStore store, JourneyClient journeys, CancellationToken ct)
    {
        if (requestId.Length != 32 || !requestId.All(char.IsAsciiHexDigitLower)) return Problems.Status(404, "Not found.", "No such request.");
        // A referral still on its way has no journey yet: pending, which says nothing about any journey.
        var (stored, error) = await JourneyAccess.FindAsync(store, id, context, ct);
        if (error is not null) return error;
        var reply = stored is null ? null : await journeys.ReplyAsync(id, requestId, ct);
        if (reply is null)
        {
            var location = JourneyAnswers.Location(id, requestId);
            return TypedResults.Accepted(location, new PendingView(id, requestId, location));
        }
        return await JourneyAnswers.ToResultAsync(reply, null, id, store, Caller.From(context.User), ct);
    }

    private static async Task<IResult> TerminateAsync(
        string id, HttpRequest request, JourneyStore store, JourneyClient journeys, JourneyRules rules, TimeProvider time, CancellationToken ct)
    {
        var (body, bodyError) = await JsonBody.ReadAsync(request, ct);
        if (bodyError is not null) return bodyError;
        var (stored, error) = await JourneyAccess.LoadAsync(store, id, request.HttpContext, ct);
        if (error is not null) return error;
        if (!body!.Value.TryGetProperty("reason", out var reason) || reason.ValueKind != System.Text.Json.JsonValueKind.String
            || reason.GetString() is not { Length: > 0 } text)
        {
            return Problems.Validation("reason", $"reason is required: 1 to {InputLimits.FreeText} characters.");
        }
        if (InputLimits.TextProblem("reason", text, InputLimits.FreeText, allowLineBreaks: true) is { } problem) return Problems.Validation("reason", problem);
        var caller = Caller.From(request.HttpContext.User);
        var now = time.GetUtcNow();
        if (JourneyDecider.Decide(stored!.Journey, new Terminate(text, now), rules).Rejection is { } refused) return Problems.Rejected(refused);
        var message = new TerminateMessage(text) { JourneyId = id, RequestId = JourneyAnswers.NewRequestId(), Now = now, By = caller.Actor };
        var answer = await journeys.SendAsync(message, ct);
        return await JourneyAnswers.ToResultAsync(answer, id, message.RequestId, store, caller, ct) is var result
            && answer.Reply is { Outcome: ReplyOutcome.Applied } && answer.Journey is { } after
            ? TypedResults.Ok(JourneyView.Of(after, caller))
            : result;
    }

    private static async Task<IResult> PurgeAsync(
        string id, HttpContext context, JourneyStore store, JourneyClient journeys, ReferralAliases aliases, TimeProvider time, CancellationToken ct)
    {
        var (stored, error) = await JourneyAccess.LoadAsync(store, id, context, ct);
        if (error is not null) return error;
        if (stored!.Journey.Phase != Phase.Closed)
        {
            return Problems.Status(409, "Only a closed journey can be purged.", "Terminate it first.");
        }
        var message = new PurgeMessage { JourneyId = id, RequestId = JourneyAnswers.NewRequestId(), Now = time.GetUtcNow(), By = Caller.From(context.User).Actor };
        var answer = await journeys.SendAsync(message, ct);
        if (answer.Reply?.Rejection is { } refused) return Problems.Rejected(refused);
        if (answer.Reply is null && await store.GetAsync(id, ct) is not null)
        {
            var location = JourneyAnswers.Location(id, message.RequestId);
            return TypedResults.Accepted(location, new PendingView(id, message.RequestId, location));
        }
        await aliases.ReleaseAsync(stored.Journey.ReferralId, id, ct); // the purchase order number it owned (13.49)
        // The orchestration ends after the purge; its instance and history then go too (SPEC 6: the task hub's included).
        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            bounded.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await journeys.Client.WaitForInstanceCompletionAsync(Names.InstanceId(id), getInputsAndOutputs: false, bounded.Token);
                await journeys.Client.PurgeInstanceAsync(Names.InstanceId(id), ct);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The orchestration has not ended yet: the personal data is already shredded (its key is gone); a later purge removes the instance.
            }
        }
        return TypedResults.NoContent();
    }
}
