using Azure.Data.Tables;
using Ses.Infrastructure.Clock;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;

namespace Ses.Journeys;

/// <summary>What a clock move did: timer steps fired, journeys that did not answer in time, and whether every email it caused settled.</summary>
public sealed record ClockMove(int Fired, int Skipped, bool EmailsDelivered);

/// <summary>
/// The virtual clock (SPEC 3, <c>Clock:Mode=Virtual</c>) over Durable Task (ADR 009): no journey waits on a wall-clock timer
/// for a deadline; each journey's next step is a wake-up row in the index (<see cref="StepStore.WakeKey"/>). A move reads
/// the rows due by the new time, wakes those journeys only (all sent, then all waited for), each of which fires every step due by then at
/// its own time, and answers when they have, and when the emails they caused have settled (at most
/// <c>Outbox:ClockMoveWait</c>: a slow SendGrid delays only emails). Its cost grows with the journeys due, not the open ones.
/// </summary>
public sealed class JourneyClock(
    VirtualClock clock, StorageClients storage, StepStore steps, JourneyClient journeys, JourneyReplies replies, JourneyStore store, OutboxOptions outbox,
    JourneyOptions options)
{
    private const int Parallelism = 16;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>A restarted host carries on from the virtual time already lived through (per <c>Storage:Prefix</c>).</summary>
    public async Task RestoreAsync(CancellationToken ct = default)
    {
        var row = await storage.Clock.GetEntityIfExistsAsync<TableEntity>("clock", "now", cancellationToken: ct);
        if (row.HasValue && row.Value!.GetDateTimeOffset("Now") is { } saved && saved > clock.GetUtcNow()) clock.MoveTo(saved);
    }

    /// <summary>
    /// A move that a host did not finish (killed, or storage failed it, after it saved the new time: <c>Moving</c> still set)
    /// is finished by the next host to start: the journeys due by then that were not woken are woken now. Those that were
    /// woken and answered have their next wake-up later; one woken twice takes the second as a step with nothing due.
    /// </summary>
    /// <returns>The move finished, or null when none was left unfinished.</returns>
    public async Task<ClockMove?> ResumeAsync(CancellationToken ct = default)
    {
        var row = await storage.Clock.GetEntityIfExistsAsync<TableEntity>("clock", "now", cancellationToken: ct);
        if (!row.HasValue || row.Value!.GetBoolean("Moving") != true || row.Value.GetDateTimeOffset("Now") is not { } target) return null;
        return await AdvanceToAsync(target, ct);
    }

    public async Task<ClockMove> AdvanceToAsync(DateTimeOffset target, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (target > clock.GetUtcNow()) clock.MoveTo(target);
            await SaveAsync(moving: true, ct);
            int fired = 0, skipped = 0;
            var emails = new List<string>();
            var unanswered = new HashSet<string>(StringComparer.Ordinal);
            for (var pass = 0; pass < 10; pass++)
            {
                var due = (await steps.DueAsync(target, ct)).Where(id => !unanswered.Contains(id)).ToArray();
                if (due.Length == 0) break;
                var answers = await WakeAllAsync(due, target, ct);
                for (var i = 0; i < due.Length; i++)
                {
                    if (answers[i].Reply is { } reply)
                    {
                        fired += reply.Fired;
                        emails.AddRange(reply.Notifications);
                    }
                    else
                    {
                        skipped++;
                        unanswered.Add(due[i]);
                    }
                }
            }
            // Every journey due has been woken and has answered (or is counted skipped): nothing for another host to finish.
            await SaveAsync(moving: false, ct);
            var delivered = await EmailsSettledAsync(emails, outbox.ClockMoveWait, ct);
            return new ClockMove(fired, skipped, delivered);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task SaveAsync(bool moving, CancellationToken ct) =>
        await storage.Clock.UpsertEntityAsync(new TableEntity("clock", "now") { ["Now"] = clock.GetUtcNow(), ["Moving"] = moving }, TableUpdateMode.Replace, ct);

    /// <summary>
    /// Sends every wake-up first (16 at a time), then waits for all their answers: the hub works through them at its own
    /// rate, rather than at 16 round trips at a time. The wait ends when every journey has answered, or when none has for
    /// <see cref="JourneyOptions.ReplyWait"/> (the hub has stopped making progress): those are counted as skipped.
    /// </summary>
    private async Task<JourneyAnswer[]> WakeAllAsync(string[] due, DateTimeOffset target, CancellationToken ct)
    {
        var wakes = due.Select(id => new WakeMessage { JourneyId = id, RequestId = Guid.NewGuid().ToString("N"), Now = target }).ToArray();
        var waiters = new JourneyReplies.Waiter?[due.Length];
        try
        {
            await Parallel.ForAsync(0, due.Length, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (i, token) =>
                waiters[i] = await journeys.RaiseAsync(wakes[i], token));
            using var stalled = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var answered = 0;
            var waits = wakes.Select(async (wake, i) =>
            {
                var answer = await journeys.AnswerAsync(wake, waiters[i]!, stalled.Token);
                if (answer.Reply is not null) Interlocked.Increment(ref answered);
                return answer;
            }).ToArray();
            var all = Task.WhenAll(waits);
            var seen = -1;
            var since = DateTimeOffset.UtcNow;
            while (!all.IsCompleted)
            {
                await Task.WhenAny(all, Task.Delay(TimeSpan.FromMilliseconds(250), ct));
                var now = Volatile.Read(ref answered);
                if (now != seen) (seen, since) = (now, DateTimeOffset.UtcNow);
                else if (DateTimeOffset.UtcNow - since > options.ReplyWait) await stalled.CancelAsync();
            }
            return await all;
        }
        finally
        {
            foreach (var w in waiters) w?.Dispose();
        }
    }

    /// <summary>Waits for each email to settle (in this process's memory, or by reading its row), at most <paramref name="bound"/>.</summary>
    private async Task<bool> EmailsSettledAsync(IReadOnlyList<string> ids, TimeSpan bound, CancellationToken ct)
    {
        if (ids.Count == 0) return true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(bound);
        try
        {
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = timeout.Token }, async (id, token) =>
            {
                var local = replies.EmailSettledAsync(id);
                while (!local.IsCompleted)
                {
                    await Task.WhenAny(local, Task.Delay(TimeSpan.FromMilliseconds(500), token));
                    if (local.IsCompleted) break;
                    token.ThrowIfCancellationRequested();
                    if (await store.GetNotificationAsync(id, token) is var (n, _) && n.Status is not (NotificationStatus.Queued or NotificationStatus.Sending or NotificationStatus.Retrying)) break;
                }
            });
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
