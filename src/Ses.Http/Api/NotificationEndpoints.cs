using Azure;
using Ses.Domain;
using Ses.Http.Auth;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Journeys;

namespace Ses.Http.Api;

/// <summary>A page of notifications needing an operator, across journeys.</summary>
public sealed record AttentionPage(IReadOnlyList<AttentionItem> Items, string? ContinuationToken);

/// <summary>
/// Operators' view of delivery (SPEC 5): failed and retrying emails across journeys, and resending a failed one. Reading
/// a single journey's emails stays with the journey (<c>GET /api/journeys/{id}/notifications</c>).
/// </summary>
public static class NotificationEndpoints
{
    public static void MapNotifications(this IEndpointRouteBuilder api)
    {
        api.MapGet("/notifications", ListAsync).RequireAuthorization(Policies.Operator).WithTags("Notifications")
            .Produces<AttentionPage>().ProducesValidationProblem();
        api.MapPost("/journeys/{id}/notifications/{notificationId}/resend", ResendAsync).RequireAuthorization(Policies.Operator)
            .WithTags("Notifications").Produces<Notification>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> ListAsync(
        EmailDelivery index, ContinuationTokens tokens, string? status, int? pageSize, string? continuationToken, CancellationToken ct)
    {
        if (!Kebab.TryParse<NotificationStatus>(status, out var wanted) || wanted is not (NotificationStatus.Failed or NotificationStatus.Retrying))
        {
            return Problems.Validation("status", "status is required: failed or retrying.");
        }
        if (pageSize is < 1 or > 200) return Problems.Validation("pageSize", "pageSize must be between 1 and 200.");
        var continuation = continuationToken is null ? null : tokens.Unprotect(continuationToken);
        if (continuationToken is not null && continuation is null) return JourneyEndpoints.NotOurToken();
        try
        {
            var (items, next) = await index.AttentionAsync(wanted, pageSize ?? 50, continuation, ct);
            return TypedResults.Ok(new AttentionPage(items, tokens.Protect(next)));
        }
        catch (Exception ex) when (continuation is not null && ex is RequestFailedException { Status: 400 } or FormatException or ArgumentException)
        {
            return JourneyEndpoints.NotOurToken();
        }
    }

    private static async Task<IResult> ResendAsync(
        string id, string notificationId, HttpContext context, JourneyStore store, JourneyClient journeys, TimeProvider time, CancellationToken ct)
    {
        var (_, denied) = await JourneyAccess.LoadAsync(store, id, context, ct);
        if (denied is not null) return denied;
        if (Notification.Split(notificationId).JourneyId != id || await store.GetNotificationAsync(notificationId, ct) is not var (n, etag))
        {
            return Problems.Status(404, "Not found.", "No such notification on this journey.");
        }
        if (n.Status is not (NotificationStatus.Failed or NotificationStatus.NotSent))
        {
            return Problems.Status(409, "Only a failed or not-sent notification can be sent again.", $"It is {Kebab.Of(n.Status)}.");
        }
        // Queued at once (on the row's ETag: of two resends one wins), then the journey sends it in its next step, under its
        // ID (the receiving side sees one idempotency key).
        var requeued = n with { Status = NotificationStatus.Queued, FirstAttemptAt = null, NextAttemptAt = null, AlertRaised = false, Resends = n.Resends + 1 };
        if (await store.UpdateNotificationAsync(requeued, etag, ct) is null) return Problems.Status(409, "The notification changed meanwhile.", "Look at it again and retry.");
        var message = new ResendMessage(notificationId) { JourneyId = id, RequestId = JourneyAnswers.NewRequestId(), Now = time.GetUtcNow(), By = Auth.Caller.From(context.User).Actor };
        try
        {
            await journeys.SendAsync(message, ct, wait: TimeSpan.Zero);
        }
        catch
        {
            await store.UpdateNotificationAsync(n, default, CancellationToken.None); // never left queued with nobody to send it
            throw;
        }
        return TypedResults.Accepted($"/api/journeys/{id}/notifications", requeued);
    }
}
