using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Azure;
using Azure.Data.Tables;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Timers;

public sealed class DispatcherOptions
{
    /// <summary>How long a claimed timer keeps other hosts off (real time).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>Journeys fired at once per host: each waits on storage most of the time (issue 9 measured 4 against 16).</summary>
    public int Parallelism { get; set; } = 16;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>A timer written ahead of a commit is left alone this long while its journey is below its version (ADR 001).</summary>
    public TimeSpan WriteAheadGrace { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How soon a timer left for a commit in flight is looked at again.</summary>
    public TimeSpan BehindRecheck { get; set; } = TimeSpan.FromMilliseconds(500);
    /// <summary>How long a timer whose journey failed is parked before it is tried again.</summary>
    public TimeSpan BrokenRetry { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>
    /// Fault tests only: after firing a journey's steps, stop before moving its wake-up and writing its emails' pointers,
    /// so a test can kill the process in that window. Never set in production.
    /// </summary>
    public bool HoldAfterCommit { get; set; }
}

/// <summary>What one pass did: timers fired, timers other hosts (or commits in flight) still hold, journeys that failed.</summary>
public sealed record DispatchPass(int Fired, int Waiting, int Broken);

/// <summary>
/// Fires due timers through the decider, streaming: due wake-up rows (one per journey, issue 9) and the per-step timer rows
/// of earlier releases are read a page at a time, claimed a page per transaction, and handed to a fixed number of workers,
/// each journey always to the same worker so its steps fire in due order. A worker fires every step of the journey that is
/// due, each stamped with its own time, then in one transaction (shared with other journeys' through the group commit)
/// moves the wake-up to the journey's next step and writes the pointers of the emails it committed, which it then hands
/// to this host's sender. Safe with any number of hosts: each row is claimed (real-time lease, ETag) by one host, the
/// decider ignores a step that already fired, and a row is deleted only with the claim's ETag. A journey that fails is
/// reported and parked; it never stops the others.
/// </summary>
public sealed class TimerDispatcher(
    TimerIndex timers, WakeUps wakeUps, JourneyEngine engine, JourneyStore store, GroupCommit index, OutboxSender sender,
    TimeProvider time, RealClock real, DispatcherOptions options, HostIdentity host, ILogger<TimerDispatcher> log)
{
    private const int ClaimBatch = 100;

    public async Task<int> RunDueAsync(CancellationToken ct = default)
    {
        var fired = 0;
        while (true)
        {
            var pass = await RunPassAsync(ct);
            fired += pass.Fired;
            if (pass.Fired == 0) return fired; // firing can schedule timers already due (a deferred checkpoint): go again
        }
    }

    public async Task<DispatchPass> RunPassAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        int fired = 0, waiting = 0, broken = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lanes = Enumerable.Range(0, Math.Max(1, options.Parallelism))
            .Select(_ => Channel.CreateBounded<Func<Task<(Fate Fate, int Steps)>>>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true })).ToArray();
        var workers = lanes.Select(lane => Task.Run(async () =>
        {
            try
            {
                await foreach (var work in lane.Reader.ReadAllAsync(stop.Token))
                {
                    var (fate, steps) = await work();
                    switch (fate)
                    {
                        case Fate.Fired: Interlocked.Add(ref fired, steps); break;
                        case Fate.Waiting: Interlocked.Increment(ref waiting); break;
                        case Fate.Broken: Interlocked.Increment(ref broken); break;
                    }
                }
            }
            catch
            {
                await stop.CancelAsync(); // storage is unreachable: end the pass, the caller backs off
                throw;
            }
        }, CancellationToken.None)).ToArray();
        Task Send(string journeyId, Func<Task<(Fate, int)>> work) =>
            lanes[(uint)StringComparer.Ordinal.GetHashCode(journeyId) % lanes.Length].Writer.WriteAsync(work, stop.Token).AsTask();
        try
        {
            var page = new List<WakeUp>(ClaimBatch);
            async Task ClaimAndSendAsync()
            {
                foreach (var wake in await wakeUps.ClaimAsync(page, real.Now + options.Lease, host.Id, stop.Token))
                {
                    await Send(wake.JourneyId, () => WakeAsync(wake, stop.Token));
                }
                page.Clear();
            }
            await foreach (var wake in wakeUps.DueAsync(now, stop.Token))
            {
                if (!Leases.IsFree(wake.Row, real.Now))
                {
                    if (!wake.Broken) Interlocked.Increment(ref waiting); // another host has it
                    continue;
                }
                page.Add(wake);
                if (page.Count == ClaimBatch) await ClaimAndSendAsync();
            }
            if (page.Count > 0) await ClaimAndSendAsync();
            await foreach (var timer in timers.DueAsync(now, stop.Token))
            {
                if (timer.Broken && !Leases.IsFree(timer.Row, real.Now)) continue;
                await Send(timer.JourneyId, async () => (await FireAsync(timer, stop.Token), 1));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // a worker failed: its exception is the one to report, below
        }
        finally
        {
            foreach (var lane in lanes) lane.Writer.TryComplete();
        }
        await Task.WhenAll(workers);
        return new DispatchPass(fired, waiting, broken);
    }

    private enum Fate { Fired, NothingToDo, Waiting, Broken }

    /// <summary>
    /// Fires every due step of a claimed wake-up's journey, then moves the wake-up to the journey's next step (or removes it)
    /// and writes the pointers of the emails committed on the way, in one transaction, and hands those emails to the sender.
    /// </summary>
    private async Task<(Fate, int Steps)> WakeAsync(WakeUp wake, CancellationToken ct)
    {
        var realNow = real.Now;
        try
        {
            // Within the grace period a journey below the row's version means the commit that wrote it is still on its way.
            var required = realNow - wake.WrittenAt < options.WriteAheadGrace ? wake.Version : 0;
            var stored = await store.GetAsync(wake.JourneyId, ct);
            if ((stored?.Journey.Version ?? 0) < required)
            {
                await wakeUps.DeferAsync(wake, real.Now + options.BehindRecheck, host.Id, null, CancellationToken.None);
                return (Fate.Waiting, 0);
            }
            var fired = 0;
            var claimed = new List<ClaimedNotification>();
            var now = time.GetUtcNow();
            while (stored is not null)
            {
                if (Pending(stored).FirstOrDefault() is not { } step || step.FireAt > now) break;
                // Stamped with its own due time, whatever the clock of the host that fires it says.
                var result = await engine.ExecuteAsync(
                    wake.JourneyId, _ => new FireTimer(step.Kind, step.Due, step.Step, step.FireAt), ct: ct, known: stored, writes: IndexWrites.Deferred);
                log.LogInformation("Timer {Kind}/{Step} due {Due} for journey {JourneyId}: {Outcome}",
                    Kebab.Of(step.Kind), Kebab.Of(step.Step), step.Due, wake.JourneyId, result.Changed ? "fired" : "nothing to do");
                if (!result.Changed)
                {
                    // A pending step the decider does not fire would wake the journey again and again: move past it, loudly.
                    log.LogError("Journey {JourneyId}: pending step {Kind}/{Step} did not fire; its wake-up moves past it.",
                        wake.JourneyId, Kebab.Of(step.Kind), Kebab.Of(step.Step));
                    break;
                }
                fired++;
                claimed.AddRange(result.Claimed);
                stored = result.Journey;
            }
            if (options.HoldAfterCommit && fired > 0)
            {
                log.LogWarning("Holding journey {JourneyId} after its commit (Dispatcher:HoldAfterCommit).", wake.JourneyId);
                await Task.Delay(Timeout.Infinite, ct);
            }
            await MoveAsync(wake, stored, claimed, now, ct);
            if (claimed.Count > 0) sender.Deliver(claimed, stored!.Journey.Version);
            return (fired > 0 ? Fate.Fired : Fate.NothingToDo, fired);
        }
        catch (Exception ex) when (!StorageFailures.IsUnreachable(ex, ct) && ex is not OperationCanceledException)
        {
            log.LogError("Journey {JourneyId} failed while waking: {Error}. Its wake-up is parked for {Retry}.",
                wake.JourneyId, ex.GetType().Name, options.BrokenRetry);
            await wakeUps.DeferAsync(wake, real.Now + options.BrokenRetry, TimerIndex.BrokenOwner, ex.GetType().Name, CancellationToken.None);
            return (Fate.Broken, 0);
        }
    }

    /// <summary>
    /// Moves the wake-up to the journey's next step. The state row must name that step as its registered wake-up (a decision
    /// compares against it): the last commit did; when nothing fired, it is recorded here. A wake-up whose journey is gone
    /// (purged, or a referral whose commit never landed) is removed.
    /// </summary>
    private async Task MoveAsync(WakeUp wake, StoredJourney? stored, List<ClaimedNotification> claimed, DateTimeOffset firedUpTo, CancellationToken ct)
    {
        var realNow = real.Now;
        TableEntity? next = null;
        var extra = new List<TableTransactionAction>();
        DateTimeOffset? at = null;
        if (stored is not null)
        {
            for (var attempt = 1; ; attempt++)
            {
                // Steps up to what was just fired are done (or could not fire): the next is after them. A decision landing
                // meanwhile that brings an earlier step wrote that step's wake-up itself.
                at = Pending(stored).FirstOrDefault(t => t.FireAt > firedUpTo)?.FireAt;
                var recorded = at ?? JourneyRows.NoWakeUp;
                if (stored.WakeAt == recorded || await store.SetWakeAtAsync(stored, recorded, ct)) break;
                if (attempt == 5) throw new ConcurrencyConflictException(new InvalidOperationException("The journey kept changing while its wake-up moved."));
                stored = await store.GetAsync(wake.JourneyId, ct);
                if (stored is null) break;
            }
        }
        if (stored is not null)
        {
            if (at is { } nextAt) next = WakeUps.Row(wake.JourneyId, nextAt, stored.Journey.Version, realNow, stored.Journey);
            // The listing is rewritten from the state at every wake-up: it repairs one a crash left behind, and it is when
            // deadlines pass that "overdue" changes.
            extra.Add(new(TableTransactionActionType.UpsertReplace, JourneyIndex.ListingRow(stored.Journey, time.GetUtcNow())));
            var version = stored.Journey.Version;
            extra.AddRange(claimed.Select(c => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace, OutboxIndex.PointerRow(c.Notification, version, realNow, c.Notification.LeaseUntil ?? realNow))));
            if (wake.Abandoned)
            {
                // The host before us may have committed emails and died before writing their pointers: give them one.
                var pending = (await store.NotificationsAsync(wake.JourneyId, ct))
                    .Where(n => n.Status is NotificationStatus.Queued or NotificationStatus.Sending && claimed.All(c => c.Notification.NotificationId != n.NotificationId));
                extra.AddRange(pending.Select(n => new TableTransactionAction(
                    TableTransactionActionType.UpsertReplace, OutboxIndex.PointerRow(n, version, realNow, n.LeaseUntil ?? realNow))));
            }
        }
        else if (realNow - wake.WrittenAt >= options.WriteAheadGrace && wake.Row.GetString("Listing") is { } listing)
        {
            // A referral whose commit never landed: its listing goes with its wake-up.
            extra.Add(new(TableTransactionActionType.Delete, new TableEntity(WakeUps.Partition, listing), ETag.All));
        }
        var actions = WakeUps.Move(wake, next).Concat(extra).ToList();
        while (actions.Count > 0)
        {
            try
            {
                await index.SubmitAsync(actions, CancellationToken.None);
                return;
            }
            catch (SubmissionFailedException ex) when (ex.Status is 404 or 412)
            {
                // Our row was rewritten by a newer write-ahead (it stays) or removed by another host, or the listing is gone
                // already: write the rest without it.
                actions.RemoveAt(ex.ActionIndex);
            }
        }
    }

    private IEnumerable<TimerSpec> Pending(StoredJourney stored) =>
        TimerPlan.Pending(stored.Journey, engine.Rules.Calendar, engine.Reminders.TimeOfDay);

    private async Task<Fate> FireAsync(DueTimer timer, CancellationToken ct)
    {
        var realNow = real.Now;
        if (!Leases.IsFree(timer.Row, realNow)) return Fate.Waiting; // another host has it
        if (await timers.ClaimAsync(timer, realNow + options.Lease, host.Id, ct) is null) return Fate.Waiting;
        try
        {
            // Within the grace period a journey below the timer's version means the commit that wrote it is still on its
            // way: firing now would find no pending deadline and lose the timer. After it, the writer is taken for dead.
            var required = realNow - timer.WrittenAt < options.WriteAheadGrace ? timer.Version : 0;
            // Stamped with its own due time, whatever the clock of the host that fires it says.
            var result = await engine.ExecuteAsync(
                timer.JourneyId, _ => new FireTimer(timer.Kind, timer.Due, timer.Step, timer.FireAt), ct: ct, requiredVersion: required);
            if (result.Behind)
            {
                await timers.DeferAsync(timer, real.Now + options.BehindRecheck, host.Id, null, CancellationToken.None);
                return Fate.Waiting;
            }
            log.LogInformation("Timer {Kind}/{Step} due {Due} for journey {JourneyId}: {Outcome}",
                Kebab.Of(timer.Kind), Kebab.Of(timer.Step), timer.Due, timer.JourneyId, result.Changed ? "fired" : "nothing to do");
            await timers.CompleteAsync(timer, CancellationToken.None);
            return result.Changed ? Fate.Fired : Fate.NothingToDo;
        }
        catch (Exception ex) when (!StorageFailures.IsUnreachable(ex, ct) && ex is not OperationCanceledException)
        {
            // One journey that cannot be loaded or committed must not stop the others: report it and park its timer.
            log.LogError("Journey {JourneyId} failed while firing {Kind}/{Step}: {Error}. Its timer is parked for {Retry}.",
                timer.JourneyId, Kebab.Of(timer.Kind), Kebab.Of(timer.Step), ex.GetType().Name, options.BrokenRetry);
            await timers.DeferAsync(timer, real.Now + options.BrokenRetry, TimerIndex.BrokenOwner, ex.GetType().Name, CancellationToken.None);
            return Fate.Broken;
        }
    }
}
