using Ses.Domain.Journeys;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Infrastructure.Timers;
using Azure.Data.Tables;

namespace Ses.Infrastructure.Journeys;

/// <summary>The result of one command. <see cref="Behind"/>: the journey has not reached the version a timer was written for.</summary>
public sealed record EngineResult(StoredJourney? Journey, Rejection? Rejection, IReadOnlyList<JourneyEvent> Events, bool Behind = false)
{
    public bool Changed => Events.Count > 0;

    /// <summary>The notifications this commit wrote already claimed by this host for sending, with their rows' ETags.</summary>
    public IReadOnlyList<ClaimedNotification> Claimed { get; init; } = [];
}

/// <summary>A notification committed in status <c>sending</c>, owned by this host until its lease ends, and its row's ETag.</summary>
public sealed record ClaimedNotification(Notification Notification, Azure.ETag ETag);

/// <summary>The index row the decision claims (an insert written ahead with it) exists already: nothing was committed.</summary>
public sealed class ClaimTakenException(Exception inner) : Exception("The claimed index row exists already.", inner);

/// <summary>How a caller of the engine takes care of the index rows (wake-up, outbox pointers) of a decision.</summary>
public enum IndexWrites
{
    /// <summary>The engine writes them ahead of the commit, in one transaction, only where something changed.</summary>
    Ahead,
    /// <summary>
    /// The caller holds a wake-up row due no later than anything the decision can schedule, and writes the journey's next
    /// wake-up and the pointers of the claimed notifications after the commit (the timer dispatcher).
    /// </summary>
    Deferred,
}

public sealed class ReminderOptions
{
    /// <summary>SPEC 4.4: <c>Reminders:TimeOfDay</c>, London local time.</summary>
    public TimeOnly TimeOfDay { get; set; } = new(9, 0);
}

/// <summary>
/// The durable-journey shell around the pure decider: load, decide, evolve, write timers and outbox pointers ahead,
/// then commit state + history + outbox + eventId key in one transaction. An ETag conflict means another writer won:
/// decide again on the fresh state, so nothing is overwritten and nothing applies twice. Correct with any number of
/// hosts: the in-process queue per journey only saves needless conflicts.
/// </summary>
public sealed class JourneyEngine(
    JourneyStore store, GroupCommit index, EmailComposer composer, JourneyRules rules, ReminderOptions reminders, TimeProvider time,
    RealClock real, OutboxOptions outboxOptions, HostIdentity host, OutboxSender sender)
{
    private const int MaxAttempts = 200;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public JourneyRules Rules => rules;
    public ReminderOptions Reminders => reminders;

    /// <summary>
    /// Fault injection for tests: awaited between the write-ahead and the commit, with the journey ID, so a test can make
    /// another host act inside that window deterministically. Null (nothing) in production.
    /// </summary>
    public Func<string, Task>? BeforeCommit { get; set; }

    /// <param name="requiredVersion">A timer's version: below it, the decision that wrote the timer has not landed yet (ADR 001).</param>
    /// <param name="known">
    /// The journey as the caller just read it (with its ETag), to decide on without reading it again; the commit is
    /// conditional on that ETag, so a stale copy costs one conflict and a fresh read, never a lost update.
    /// </param>
    /// <param name="claim">
    /// An index row to insert with the decision's write-ahead (a referral's purchase order number): if it exists already,
    /// <see cref="ClaimTakenException"/> is thrown and nothing is committed. Written once; later attempts go without it.
    /// </param>
    /// <param name="assumeNew">
    /// Decide as for a journey that does not exist yet, without reading it (a referral): the commit inserts, so if it does
    /// exist the insert conflicts and the engine reads it and decides again.
    /// </param>
    public async Task<EngineResult> ExecuteAsync(
        string journeyId, Func<DateTimeOffset, JourneyCommand> command, string? requestHash = null, CancellationToken ct = default,
        int requiredVersion = 0, StoredJourney? known = null, bool assumeNew = false, IndexWrites writes = IndexWrites.Ahead,
        TableEntity? claim = null)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(journeyId) % _stripes.Length];
        await stripe.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var before = attempt == 1 && (known is not null || assumeNew) ? known : await store.GetAsync(journeyId, ct);
                    var result = await AttemptAsync(journeyId, before, command, requestHash, requiredVersion, writes, claim, ct);
                    return result;
                }
                catch (ConcurrencyConflictException conflict) when (attempt < MaxAttempts)
                {
                    if (conflict.ClaimWritten) claim = null;
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + Math.Min(attempt, 20) * 5)), ct);
                }
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<EngineResult> AttemptAsync(
        string journeyId, StoredJourney? before, Func<DateTimeOffset, JourneyCommand> command, string? requestHash, int requiredVersion,
        IndexWrites writes, TableEntity? claim, CancellationToken ct)
    {
        if ((before?.Journey.Version ?? 0) < requiredVersion) return new EngineResult(before, null, [], Behind: true);
        var now = time.GetUtcNow();
        var asked = command(now);
        var decision = JourneyDecider.Decide(before?.Journey, asked, rules);
        if (decision.Rejection is not null && asked is RecordEvent { EventId: { } rejectedId } && before is not null)
        {
            // Idempotency before phase rules: a retry of an event the journey has since moved past is answered as a retry.
            return await JudgeUsedEventIdAsync(before, (RecordEvent)asked, rejectedId, decision, ct);
        }
        if (decision.Rejection is not null || decision.Events.Count == 0) return new EngineResult(before, decision.Rejection, []);

        var after = JourneyEvolver.Fold(decision.Events, before?.Journey)! with { Version = (before?.Journey.Version ?? 0) + 1 };
        after = WithSkippedReminders(before, after, decision.Events, now);
        var realNow = real.Now;
        var lease = realNow + outboxOptions.Lease;
        // The committing host claims its own emails (status sending, its lease) and hands them to its sender after the
        // commit: no other host reads and claims them first. If it dies, the lease runs out and the pointer brings them back.
        var notifications = decision.Events.OfType<NotificationRequested>()
            .Select((n, i) => composer.Compose(after, n, after.Version, i, now, decision.Events) with
            {
                Status = NotificationStatus.Sending, Owner = host.Id, LeaseUntil = lease, FirstAttemptAt = realNow,
            }).ToArray();
        var wakeAt = TimerPlan.Pending(after, rules.Calendar, reminders.TimeOfDay).FirstOrDefault()?.FireAt;
        var registered = before?.WakeAt ?? JourneyRows.NoWakeUp; // a state row from before wake-ups has none registered
        // Ahead: a wake-up only when this decision brings the next step forward; a later one is left to the earlier row, which
        // moves on when it fires. Deferred: the caller's row is due first and is moved to wakeAt after the commit.
        var wakeUp = writes == IndexWrites.Ahead && wakeAt is { } at && at < registered ? at : (DateTimeOffset?)null;
        var recorded = writes == IndexWrites.Deferred ? wakeAt ?? JourneyRows.NoWakeUp : wakeUp ?? registered;
        var eventId = (asked as RecordEvent)?.EventId;
        var commit = new Commit(decision.Events, notifications, requestHash, now, eventId,
            eventId is null ? null : EventKeys.Fingerprint(((RecordEvent)asked).Event), recorded);
        if (writes == IndexWrites.Ahead)
        {
            // Write-ahead, one transaction in the index partition: the wake-up and the emails' pointers, stamped with the version
            // they belong to; ADR 001 says why a dispatcher that finds the journey behind that version leaves them alone.
            var ahead = new List<TableTransactionAction>();
            if (claim is not null) ahead.Add(new(TableTransactionActionType.Add, claim));
            if (wakeUp is { } w) ahead.Add(new(TableTransactionActionType.UpsertReplace, WakeUps.Row(journeyId, w, after.Version, realNow, after)));
            // The journey's listing (lists, caseload, statistics) changes with it, when what it shows changed.
            if (ListingChanged(before?.Journey, after, now)) ahead.Add(new(TableTransactionActionType.UpsertReplace, JourneyIndex.ListingRow(after, now)));
            ahead.AddRange(notifications.Select(n => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace, OutboxIndex.PointerRow(n, after.Version, realNow, lease))));
            try
            {
                await index.SubmitAsync(ahead, ct);
            }
            catch (SubmissionFailedException ex) when (claim is not null && ex is { Status: 409, ActionIndex: 0 })
            {
                throw new ClaimTakenException(ex);
            }
        }
        if (BeforeCommit is { } probe) await probe(journeyId);
        (Azure.ETag State, IReadOnlyList<Azure.ETag> Notifications) written;
        try
        {
            written = await store.CommitAsync(before, after, commit, ct);
        }
        catch (Exception ex) when (ex is ConcurrencyConflictException or EventIdUsedException)
        {
            if (eventId is not null && await store.EventKeyAsync(journeyId, eventId, ct) is { } used)
            {
                var fresh = await store.GetAsync(journeyId, ct);
                var retry = (RecordEvent)asked with { PreviousUse = used };
                return new EngineResult(fresh, JourneyDecider.Decide(fresh?.Journey, retry, rules).Rejection, []);
            }
            if (await LandedAsync(journeyId, commit, ct) is { } landed) return new EngineResult(landed, null, decision.Events);
            throw new ConcurrencyConflictException(ex) { ClaimWritten = claim is not null && writes == IndexWrites.Ahead };
        }
        var stored = new StoredJourney(after, written.State, requestHash ?? before?.RequestHash, commit.CommitId, recorded, now)
        {
            LegacyRows = before?.LegacyRows ?? false, // the commit carried the column over (ADR 007)
        };
        var claimed = notifications.Select((n, i) => new ClaimedNotification(n, written.Notifications[i])).ToArray();
        // Deferred: the caller writes the pointers first, then hands the emails over.
        if (writes == IndexWrites.Ahead && claimed.Length > 0) sender.Deliver(claimed, after.Version);
        return new EngineResult(stored, null, decision.Events) { Claimed = claimed };
    }

    private static bool ListingChanged(Journey? before, Journey after, DateTimeOffset now)
    {
        if (before is null) return true;
        static JourneyListing Shown(Journey j, DateTimeOffset at) => JourneyListing.From(j, at) with { Version = 0, UpdatedAt = default };
        return Shown(before, now) != Shown(after, now);
    }

    /// <summary>
    /// Reminders already past when their deadline is scheduled never fire (as when timers were stored per step). A state row
    /// from before wake-ups had its timers stored: steps already past at its last commit are left to those rows.
    /// </summary>
    private Journey WithSkippedReminders(StoredJourney? before, Journey after, IReadOnlyList<JourneyEvent> events, DateTimeOffset now)
    {
        var scheduled = events.OfType<DeadlineScheduled>().Select(s => (s.Kind, s.Due)).ToHashSet();
        if (scheduled.Count > 0) after = TimerPlan.SkipPast(after, d => scheduled.Contains((d.Kind, d.Due)), rules.Calendar, reminders.TimeOfDay, now);
        if (before is { WakeAt: null, UpdatedAt: { } last })
        {
            after = TimerPlan.SkipPast(after, d => !scheduled.Contains((d.Kind, d.Due)), rules.Calendar, reminders.TimeOfDay, last);
        }
        return after;
    }

    private async Task<EngineResult> JudgeUsedEventIdAsync(StoredJourney before, RecordEvent asked, string eventId, Decision rejected, CancellationToken ct)
    {
        if (await store.EventKeyAsync(before.Journey.JourneyId, eventId, ct) is not { } used) return new EngineResult(before, rejected.Rejection, []);
        var judged = JourneyDecider.Decide(before.Journey, asked with { PreviousUse = used }, rules);
        return new EngineResult(before, judged.Rejection, []);
    }

    /// <summary>A commit whose answer was lost (a timeout after storage applied it) shows as a conflict: recognise our own.</summary>
    private async Task<StoredJourney?> LandedAsync(string journeyId, Commit commit, CancellationToken ct)
    {
        var fresh = await store.GetAsync(journeyId, ct);
        return fresh?.CommitId == commit.CommitId ? fresh : null;
    }
}
