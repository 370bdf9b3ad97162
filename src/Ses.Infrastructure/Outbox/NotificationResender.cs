using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Outbox;

public enum ResendStatus { Requeued, NotFound, NotResendable, Changed }

/// <summary>
/// An operator sends a failed (or kept, not-sent) notification again: it goes back to <c>queued</c> with a fresh retry
/// horizon, keeping its ID, so the receiving side still sees one idempotency key (SPEC 5).
/// </summary>
public sealed class NotificationResender(JourneyStore store, OutboxIndex index, RealClock real)
{
    public async Task<(ResendStatus Status, Notification? Notification)> ResendAsync(string journeyId, string notificationId, CancellationToken ct = default)
    {
        if (Notification.Split(notificationId).JourneyId != journeyId) return (ResendStatus.NotFound, null);
        if (await store.GetNotificationAsync(notificationId, ct) is not var (n, etag)) return (ResendStatus.NotFound, null);
        if (n.Status is not (NotificationStatus.Failed or NotificationStatus.NotSent)) return (ResendStatus.NotResendable, n);
        var journey = await store.GetAsync(journeyId, ct);
        var requeued = n with
        {
            Status = NotificationStatus.Queued, FirstAttemptAt = null, NextAttemptAt = null, Owner = null, LeaseUntil = null,
            AlertRaised = false, Resends = n.Resends + 1,
        };
        await index.EnqueueAsync([requeued], journey?.Journey.Version ?? 0, real.Now, ct); // write-ahead, as for a commit
        if (await store.UpdateNotificationAsync(requeued, etag, ct) is null) return (ResendStatus.Changed, n);
        await index.ClearFailedAsync(notificationId, ct);
        return (ResendStatus.Requeued, requeued);
    }
}
