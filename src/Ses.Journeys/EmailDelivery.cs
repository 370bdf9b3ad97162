using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;

namespace Ses.Journeys;

/// <summary>
/// One attempt at one email (the <c>SendEmail</c> activity, ADR 009). The attempt is marked on the email's row before it is
/// sent and its outcome after, so an activity run again (its first run died, or its answer was lost) never sends blindly:
/// a row still <c>sending</c> means an attempt whose answer never came, and SendGrid may have accepted it. Such an email is
/// sent at most once more, with the same Message-ID, and marked possibly sent twice. 429 (with Retry-After), 5xx and
/// network failures are retried with backoff up to <c>Outbox:RetryHorizon</c>; then the email fails and the provider's
/// staff are alerted. Times here are real time, even with the virtual clock.
/// </summary>
public sealed class EmailDelivery(
    StorageClients storage, JourneyStore store, IEmailSender sender, EmailComposer composer, OutboxOptions options, RealClock real,
    TimeProvider business, JourneyReplies replies, ILogger<EmailDelivery> log)
{
    public const string FailedPartition = "failed";
    public const string RetryingPartition = "retrying";

    public async Task<SendEmailResult> SendAsync(SendEmailRequest request, CancellationToken ct = default)
    {
        var d = request.Delivery;
        var id = d.Notification.NotificationId;
        for (var attempt = 0; ; attempt++)
        {
            var (n, etag) = d.ETag is { } known && attempt == 0 && !d.Resend ? (d.Notification, new ETag(known)) : await ReadAsync(id, ct);
            if (n is null) return Done(request); // purged, or never written
            var unanswered = d.Unanswered;
            if (d.Resend && attempt == 0)
            {
                // The handler queued it again (SPEC 5: resend); anything else means this resend was done already.
                if (n.Status != NotificationStatus.Queued) return Done(request);
                n = n with { LastError = null };
                unanswered = false;
                await ClearAsync(FailedPartition, id, ct);
            }
            else if (n.Status is NotificationStatus.Sent or NotificationStatus.NotSent or NotificationStatus.Failed) return Settled(request, n);
            else if (n.Status == NotificationStatus.Sending) unanswered = true; // an earlier run of this attempt was cut off mid-send
            var now = real.Now;
            var first = n.FirstAttemptAt ?? now;
            if (n.To.Count == 0) return await FailAsync(request, n with { FirstAttemptAt = first }, etag, n.LastError ?? "No address is configured.", ct);
            var sending = n with { Status = NotificationStatus.Sending, FirstAttemptAt = first, AttemptStartedAt = now, NextAttemptAt = null };
            if (await store.UpdateNotificationAsync(sending, etag, ct) is not { } claimed)
            {
                if (attempt < 2) continue; // changed under us (an earlier run of this activity): judge again from the row
                throw new InvalidOperationException("The notification keeps changing under its only sender.");
            }
            var outcome = await SendOnceAsync(sending);
            var tried = sending with { Attempts = n.Attempts + 1, AttemptStartedAt = null };
            return outcome switch
            {
                { Result: SendResult.Sent or SendResult.Kept } => await DoneAsync(request, tried, claimed, outcome, unanswered, ct),
                _ when unanswered => await FailAsync(request, tried, claimed,
                    $"{outcome.Error} An earlier attempt went unanswered and SendGrid may have accepted it, so it is not sent again: resend it only if the recipient did not get it.", ct),
                { Result: SendResult.Transient, Unanswered: true } => await RetryAsync(request, tried, claimed, outcome, now, unanswered: true, ct),
                { Result: SendResult.Transient } when now - first < options.RetryHorizon => await RetryAsync(request, tried, claimed, outcome, now, unanswered: false, ct),
                _ => await FailAsync(request, tried, claimed, outcome.Error ?? "SendGrid refused it.", ct),
            };
        }
    }

    /// <summary>The first attempt at each of <paramref name="deliveries"/> (<see cref="DeliveryRounds"/>): the emails left to retry.</summary>
    public async Task<IReadOnlyList<Delivery>> FirstAttemptsAsync(string referralId, string provider, IReadOnlyList<Delivery> deliveries) =>
        await DeliveryRounds.SendAsync(
            deliveries, d => SendAsync(new SendEmailRequest(d.Notification.JourneyId, referralId, provider, d)), DateTimeOffset.MinValue);

    private async Task<(Notification? N, ETag ETag)> ReadAsync(string notificationId, CancellationToken ct) =>
        await store.GetNotificationAsync(notificationId, ct) is var (n, etag) ? (n, etag) : (null, default);

    private async Task<SendOutcome> SendOnceAsync(Notification n)
    {
        try
        {
            return await sender.SendAsync(n, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new SendOutcome(SendResult.Transient, $"Sending failed: {ex.GetType().Name}.", Unanswered: true);
        }
    }

    private async Task<SendEmailResult> DoneAsync(SendEmailRequest request, Notification n, ETag etag, SendOutcome outcome, bool unanswered, CancellationToken ct)
    {
        var done = n with
        {
            Status = outcome.Result == SendResult.Sent ? NotificationStatus.Sent : NotificationStatus.NotSent,
            SentAt = outcome.Result == SendResult.Sent ? business.GetUtcNow() : null, LastError = null, PossiblySentTwice = n.PossiblySentTwice || unanswered,
        };
        await store.UpdateNotificationAsync(done, etag, ct);
        await ClearAsync(RetryingPartition, n.NotificationId, ct);
        log.LogInformation("Notification {NotificationId} ({Template}): {Status} after {Attempts} attempt(s)", n.NotificationId, n.Template, done.Status, done.Attempts);
        return Settled(request, done);
    }

    private async Task<SendEmailResult> RetryAsync(
        SendEmailRequest request, Notification n, ETag etag, SendOutcome outcome, DateTimeOffset now, bool unanswered, CancellationToken ct)
    {
        var next = now + Backoff(n.Attempts, outcome.RetryAfter);
        var retrying = n with { Status = NotificationStatus.Retrying, NextAttemptAt = next, LastError = outcome.Error };
        var written = await store.UpdateNotificationAsync(retrying, etag, ct);
        await storage.Outbox.UpsertEntityAsync(AttentionRow(RetryingPartition, retrying, now), TableUpdateMode.Replace, ct);
        log.LogInformation("Notification {NotificationId} ({Template}): attempt {Attempts} failed ({Error}); next at {Next:O}",
            n.NotificationId, n.Template, n.Attempts, outcome.Error, next);
        return new SendEmailResult(request.JourneyId, DeliveryState.Retry, new Delivery(retrying, written?.ToString(), next, unanswered), null);
    }

    /// <summary>
    /// Gives up: the email is failed and, in the same transaction, the alert to the provider's staff is added (an alert that
    /// fails raises none); operators see it in the failed list. The alert is returned for delivery.
    /// </summary>
    private async Task<SendEmailResult> FailAsync(SendEmailRequest request, Notification n, ETag etag, string error, CancellationToken ct)
    {
        var failed = n with { Status = NotificationStatus.Failed, LastError = error, NextAttemptAt = null };
        var alert = failed.Template == Notification.AlertTemplate || failed.AlertRaised
            ? null
            : composer.ComposeAlert(request.JourneyId, request.ReferralId, request.Provider, failed, business.GetUtcNow());
        if (!await store.FailWithAlertAsync(failed with { AlertRaised = alert is not null || failed.AlertRaised }, etag, alert, ct))
        {
            // Changed meanwhile (a re-run found its own earlier write): the row says what happened.
            var (now, _) = await ReadAsync(n.NotificationId, ct);
            return now is null ? Done(request) : Settled(request, now);
        }
        await ClearAsync(RetryingPartition, n.NotificationId, ct);
        await storage.Outbox.UpsertEntityAsync(AttentionRow(FailedPartition, failed, real.Now), TableUpdateMode.Replace, ct);
        log.LogWarning("Notification {NotificationId} ({Template}) failed after {Attempts} attempt(s): {Error}", n.NotificationId, n.Template, n.Attempts, error);
        replies.EmailSettled(n.NotificationId);
        return new SendEmailResult(request.JourneyId, DeliveryState.Failed, null, alert);
    }

    private SendEmailResult Settled(SendEmailRequest request, Notification n)
    {
        replies.EmailSettled(n.NotificationId);
        return new SendEmailResult(request.JourneyId, n.Status == NotificationStatus.Failed ? DeliveryState.Failed : DeliveryState.Done, null, null);
    }

    private SendEmailResult Done(SendEmailRequest request)
    {
        replies.EmailSettled(request.Delivery.Notification.NotificationId);
        return new SendEmailResult(request.JourneyId, DeliveryState.Done, null, null);
    }

    /// <summary>Exponential backoff with jitter (half to all of the doubled delay), never sooner than SendGrid's Retry-After.</summary>
    private TimeSpan Backoff(int attempts, TimeSpan? retryAfter)
    {
        var ceiling = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30)), options.MaxRetryDelay.TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
        return retryAfter is { } asked && asked > delay ? asked : delay;
    }

    /// <summary>A row of the operators' lists (GET /api/notifications?status=failed|retrying), in the outbox table.</summary>
    public static TableEntity AttentionRow(string partition, Notification n, DateTimeOffset realNow) => new(partition, n.NotificationId)
    {
        ["NotificationId"] = n.NotificationId, ["JourneyId"] = n.JourneyId, ["Template"] = n.Template, ["Attempts"] = n.Attempts,
        ["LastError"] = n.LastError, ["NextAttemptAt"] = n.NextAttemptAt, [partition == FailedPartition ? "FailedAt" : "At"] = realNow,
    };

    /// <summary>One page of the emails needing attention across journeys: failed for good, or waiting to be retried.</summary>
    public async Task<(IReadOnlyList<AttentionItem> Items, string? Continuation)> AttentionAsync(
        NotificationStatus status, int pageSize, string? continuation, CancellationToken ct = default)
    {
        var partition = status == NotificationStatus.Failed ? FailedPartition : RetryingPartition;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var page in storage.Outbox.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: ct).AsPages(continuation, pageSize))
        {
            return (page.Values.Select(r =>
            {
                var id = r.GetString("NotificationId") ?? r.RowKey;
                return new AttentionItem(id, Notification.Split(id).JourneyId, r.GetString("Template"), status, r.GetInt32("Attempts") ?? 0,
                    r.GetString("LastError"), r.GetDateTimeOffset("NextAttemptAt"), r.GetDateTimeOffset("FailedAt"));
            }).ToArray(), page.ContinuationToken);
        }
        return ([], null);
    }

    public async Task ClearAsync(string partition, string notificationId, CancellationToken ct)
    {
        try
        {
            await storage.Outbox.DeleteEntityAsync(partition, notificationId, ETag.All, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }
}
