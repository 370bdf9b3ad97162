using System.Collections.Concurrent;
using Azure;
using Microsoft.Extensions.Logging;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Outbox;

/// <summary>
/// Delivers the outbox, apart from timer dispatch so a slow SendGrid delays only emails. Each notification is claimed
/// (status <c>sending</c>, this host as owner, a real-time lease, the row's ETag) before it is sent, so two hosts never send
/// the same one at once; a failed attempt is rescheduled with exponential backoff and jitter (or SendGrid's Retry-After)
/// until the retry horizon, then marked <c>failed</c> with an alert to the provider's staff. At most
/// <c>Outbox:Concurrency</c> sends are in flight per host.
/// </summary>
public sealed class OutboxSender(
    OutboxIndex index, JourneyStore store, IEmailSender sender, EmailComposer composer, TimeProvider time, RealClock real,
    OutboxOptions options, HostIdentity host, ILogger<OutboxSender> log)
{
    private static readonly TimeSpan OthersPoll = TimeSpan.FromMilliseconds(200);
    private readonly SemaphoreSlim _slots = new(options.Concurrency, options.Concurrency);
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();

    /// <summary>Delivers what is due and waits for those sends to finish (the Functions trigger, tests). The number handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var started = await PumpAsync(ct);
        await Task.WhenAll(_inFlight.Values.ToArray());
        return started;
    }

    /// <summary>
    /// Starts a send for every due pointer, waiting for a free slot when all are taken, and returns without waiting for the
    /// sends: they finish (and record their result) even if the caller has moved on. The number started.
    /// </summary>
    public async Task<int> PumpAsync(CancellationToken ct = default)
    {
        var started = 0;
        await foreach (var pointer in index.DueAsync(real.Now, ct))
        {
            if (_inFlight.ContainsKey(pointer.NotificationId)) continue;
            await _slots.WaitAsync(ct);
            // Never cancelled by the caller: cancelling between SendGrid's answer and the mark is how emails go twice.
            if (!Start(pointer.NotificationId, slotHeld: true, () => HandleAsync(pointer, CancellationToken.None)))
            {
                _slots.Release();
                continue;
            }
            started++;
        }
        return started;
    }

    /// <summary>
    /// Sends notifications this host committed already claimed (status sending, its lease), without reading or claiming them
    /// again; returns at once. One whose lease would run out before its send could finish is left to its pointer, which
    /// any host picks up when the lease ends.
    /// </summary>
    public void Deliver(IReadOnlyList<ClaimedNotification> claimed, int version)
    {
        foreach (var (n, etag) in claimed)
        {
            Start(n.NotificationId, slotHeld: false, async () =>
            {
                if (n.LeaseUntil - real.Now < options.SendTimeout + OthersPoll) return;
                await SendClaimedAsync(OutboxIndex.Own(n, version, n.FirstAttemptAt ?? real.Now), n, n, etag, CancellationToken.None);
            });
        }
    }

    /// <summary>
    /// Runs one delivery in the background, tracked as in flight under its notification ID and within a send slot (taken
    /// here unless the caller holds one); false, and nothing started, when that notification is in flight already.
    /// </summary>
    private bool Start(string notificationId, bool slotHeld, Func<Task> deliver)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inFlight.TryAdd(notificationId, done.Task)) return false;
        _ = Task.Run(async () =>
        {
            var slot = slotHeld;
            try
            {
                if (!slot)
                {
                    await _slots.WaitAsync();
                    slot = true;
                }
                await deliver();
            }
            catch (Exception ex)
            {
                log.LogWarning("Delivering notification {NotificationId} failed: {Error}; it is retried later.", notificationId, ex.GetType().Name);
            }
            finally
            {
                _inFlight.TryRemove(notificationId, out _);
                if (slot) _slots.Release();
                done.SetResult();
            }
        }, CancellationToken.None);
        return true;
    }

    /// <summary>Starts delivering in the background (after timers fired) without waiting; failures are logged and retried later.</summary>
    public void Kick() => _ = Task.Run(async () =>
    {
        try
        {
            await PumpAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            log.LogWarning("The outbox pass failed: {Error}; it runs again shortly.", ex.GetType().Name);
        }
    });

    /// <summary>
    /// Delivers until nothing is due within <paramref name="maxWait"/> (real time) or the wait is over, whichever is first;
    /// sends still in flight then carry on in the background. True when nothing was left to deliver.
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan maxWait, CancellationToken ct = default)
    {
        var deadline = real.Now + maxWait;
        while (true)
        {
            var left = deadline - real.Now;
            if (left <= TimeSpan.Zero) return false;
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(left);
            try
            {
                await PumpAsync(bounded.Token);
                var inFlight = _inFlight.Values.ToArray();
                if (inFlight.Length > 0)
                {
                    await Task.WhenAny(Task.WhenAll(inFlight), Task.Delay(Timeout.InfiniteTimeSpan, bounded.Token));
                    continue;
                }
                var (next, sendingElsewhere) = await index.LeftAsync(bounded.Token);
                if (next is null) return true;
                if (next > deadline && !sendingElsewhere) return false;
                // Another host's send shows only when it finishes: look again shortly rather than at its lease's end.
                var wait = next.Value - real.Now;
                if (sendingElsewhere && wait > OthersPoll) wait = OthersPoll;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, real.Provider, bounded.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    private async Task HandleAsync(OutboxPointer pointer, CancellationToken ct)
    {
        var found = await store.GetNotificationAsync(pointer.NotificationId, ct);
        if (found is null)
        {
            await DropIfOrphanAsync(pointer, ct);
            return;
        }
        var (n, etag) = found.Value;
        var now = real.Now;
        switch (n.Status)
        {
            case NotificationStatus.Sent or NotificationStatus.NotSent:
                await index.RemoveAsync(pointer, ct);
                return;
            case NotificationStatus.Failed:
                await FailAsync(n, etag, pointer, persisted: true, ct);
                return;
            case NotificationStatus.Sending when n.LeaseUntil > now:
                await index.RescheduleAsync(pointer, n, n.LeaseUntil.Value, ours: false, ct); // another host is sending it
                return;
            case NotificationStatus.Retrying when n.NextAttemptAt > now:
                await index.RescheduleAsync(pointer, n, n.NextAttemptAt.Value, ours: false, ct);
                return;
        }
        var claimed = n with { Status = NotificationStatus.Sending, Owner = host.Id, LeaseUntil = now + options.Lease, FirstAttemptAt = n.FirstAttemptAt ?? now };
        if (await store.UpdateNotificationAsync(claimed, etag, ct) is not { } claim) return; // another host claimed it first
        await SendClaimedAsync(pointer, n, claimed, claim, ct);
    }

    /// <summary>Sends a notification this host holds the claim on (<paramref name="claim"/> is the row's ETag) and records the outcome.</summary>
    private async Task SendClaimedAsync(OutboxPointer pointer, Notification n, Notification claimed, ETag claim, CancellationToken ct)
    {
        var outcome = await SendAsync(claimed);
        var attempted = claimed with { Attempts = n.Attempts + 1, Owner = null, LeaseUntil = null, NextAttemptAt = null };
        switch (outcome.Result)
        {
            case SendResult.Sent or SendResult.Kept:
                var done = attempted with
                {
                    Status = outcome.Result == SendResult.Sent ? NotificationStatus.Sent : NotificationStatus.NotSent,
                    SentAt = outcome.Result == SendResult.Sent ? time.GetUtcNow() : null,
                    LastError = null,
                };
                if (await store.UpdateNotificationAsync(done, claim, ct) is null)
                {
                    // Our lease ran out mid-send and another host holds it now: its outcome and its pointer are its own.
                    log.LogWarning("Notification {NotificationId} was sent but its claim was taken over before it was marked.", n.NotificationId);
                    return;
                }
                await index.RemoveAsync(pointer, ct);
                log.LogInformation("Notification {NotificationId} ({Template}): {Status} after {Attempts} attempt(s)",
                    n.NotificationId, n.Template, done.Status, done.Attempts);
                return;
            case SendResult.Transient when real.Now - claimed.FirstAttemptAt!.Value < options.RetryHorizon:
                var next = real.Now + Backoff(attempted.Attempts, outcome.RetryAfter);
                var retrying = attempted with { Status = NotificationStatus.Retrying, NextAttemptAt = next, LastError = outcome.Error };
                if (await store.UpdateNotificationAsync(retrying, claim, ct) is not null) await index.RescheduleAsync(pointer, retrying, next, ours: true, ct);
                log.LogInformation("Notification {NotificationId} ({Template}): attempt {Attempts} failed ({Error}); next at {Next:O}",
                    n.NotificationId, n.Template, attempted.Attempts, outcome.Error, next);
                return;
            default:
                await FailAsync(attempted with { Status = NotificationStatus.Failed, LastError = outcome.Error }, claim, pointer, persisted: false, ct);
                return;
        }
    }

    private async Task<SendOutcome> SendAsync(Notification n)
    {
        try
        {
            return await sender.SendAsync(n, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new SendOutcome(SendResult.Transient, $"Sending failed: {ex.GetType().Name}.");
        }
    }

    /// <summary>Exponential backoff with jitter (half to all of the doubled delay), never sooner than SendGrid's Retry-After.</summary>
    private TimeSpan Backoff(int attempts, TimeSpan? retryAfter)
    {
        var ceiling = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30)), options.MaxRetryDelay.TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
        return retryAfter is { } asked && asked > delay ? asked : delay;
    }

    /// <summary>
    /// Gives up on a notification: marks it failed and, in the same transaction, adds the alert to the provider's staff
    /// (an alert that fails raises none); then lists it for operators and drops its pointer. Safe to repeat after a crash.
    /// </summary>
    private async Task FailAsync(Notification failed, ETag etag, OutboxPointer pointer, bool persisted, CancellationToken ct)
    {
        if (!failed.AlertRaised && failed.Template != Notification.AlertTemplate)
        {
            var journey = await store.GetAsync(failed.JourneyId, ct);
            var alert = journey is null ? null : composer.ComposeAlert(journey.Journey, failed, time.GetUtcNow());
            if (alert is not null) await index.EnqueueAsync([alert], journey!.Journey.Version, real.Now, ct);
            if (!await store.FailWithAlertAsync(failed with { AlertRaised = true }, etag, alert, ct)) return;
        }
        else if (!persisted && await store.UpdateNotificationAsync(failed, etag, ct) is null)
        {
            return;
        }
        await index.MarkFailedAsync(failed, real.Now, ct);
        await index.RemoveAsync(pointer, ct);
        log.LogWarning("Notification {NotificationId} ({Template}) failed after {Attempts} attempt(s): {Error}",
            failed.NotificationId, failed.Template, failed.Attempts, failed.LastError);
    }

    /// <summary>A pointer written ahead of a commit that never happened: the journey moved past its version, or the grace period passed.</summary>
    private async Task DropIfOrphanAsync(OutboxPointer pointer, CancellationToken ct)
    {
        var journey = await store.GetAsync(pointer.JourneyId, ct);
        var orphan = real.Now - pointer.EnqueuedAt > options.WriteAheadGrace || (journey is not null && journey.Journey.Version >= pointer.Version);
        // The commit may have landed between our two reads; a commit writes the state and its emails together, so an email
        // still missing after the journey is seen at the pointer's version was never committed.
        if (orphan && await store.GetNotificationAsync(pointer.NotificationId, ct) is null)
        {
            await index.RemoveAsync(pointer, ct);
        }
        else
        {
            await index.PostponeAsync(pointer, real.Now + TimeSpan.FromSeconds(1), ct); // its commit may still be on its way
        }
    }
}
