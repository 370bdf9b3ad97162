using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Timers;

namespace Ses.Infrastructure.Outbox;

/// <summary>
/// Sends queued notifications. Each pointer is leased by one host; the notification row is marked sent before the pointer
/// is deleted, and a notification that is no longer queued is never sent again.
/// </summary>
public sealed class OutboxSender(
    OutboxIndex index, JourneyStore store, IEmailSender sender, TimeProvider time, DispatcherOptions options, ILogger<OutboxSender> log)
{
    private static readonly TimeSpan Abandoned = TimeSpan.FromHours(1);

    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var rows = await index.PendingAsync(now, 200, ct);
        var handled = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct };
        await Parallel.ForEachAsync(rows, parallel, async (row, token) =>
        {
            if (await HandleAsync(row, now, token)) Interlocked.Increment(ref handled);
        });
        return handled;
    }

    private async Task<bool> HandleAsync(TableEntity row, DateTimeOffset now, CancellationToken ct)
    {
        if (await index.ClaimAsync(row, now, options.Lease, ct) is null) return false;
        var found = await store.GetNotificationAsync(row.RowKey, ct);
        if (found is null)
        {
            if (await IsOrphanAsync(row, now, ct)) await index.CompleteAsync(row, CancellationToken.None);
            return false;
        }
        var (notification, etag) = found.Value;
        if (notification.Status == Notification.Queued)
        {
            // A send once begun is finished and recorded even if the host is stopping: cancelling between SendGrid's
            // answer and the "sent" mark is the one way to send an email twice.
            var (result, attempts, error) = await sender.SendAsync(notification, CancellationToken.None);
            var done = notification with
            {
                Status = result switch { SendResult.Sent => Notification.Sent, SendResult.Kept => Notification.NotSent, _ => Notification.Failed },
                Attempts = notification.Attempts + attempts,
                SentAt = result == SendResult.Sent ? time.GetUtcNow() : null,
                LastError = error,
            };
            await store.UpdateNotificationAsync(done, etag, CancellationToken.None);
            log.LogInformation("Notification {NotificationId} ({Template}): {Status} after {Attempts} attempt(s)",
                notification.NotificationId, notification.Template, done.Status, done.Attempts);
        }
        await index.CompleteAsync(row, CancellationToken.None);
        return true;
    }

    /// <summary>A pointer written ahead of a commit that never happened: the journey moved past its version, or the writer died long ago.</summary>
    private async Task<bool> IsOrphanAsync(TableEntity row, DateTimeOffset now, CancellationToken ct)
    {
        var (journeyId, _) = Notification.Split(row.RowKey);
        var journey = await store.GetAsync(journeyId, ct);
        var version = row.GetInt32("Version") ?? 0;
        var enqueued = row.GetDateTimeOffset("EnqueuedAt") ?? now;
        return now - enqueued > Abandoned || (journey is not null && journey.Journey.Version >= version);
    }
}
