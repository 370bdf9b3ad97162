using Ses.Domain.Journeys;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Infrastructure.Timers;

namespace Ses.Infrastructure.Journeys;

/// <summary>The result of one command. <see cref="Behind"/>: the journey has not reached the version a timer was written for.</summary>
public sealed record EngineResult(StoredJourney? Journey, Rejection? Rejection, IReadOnlyList<JourneyEvent> Events, bool Behind = false)
{
    public bool Changed => Events.Count > 0;
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
    JourneyStore store, JourneyIndex index, TimerIndex timers, OutboxIndex outbox, EmailComposer composer,
    JourneyRules rules, ReminderOptions reminders, TimeProvider time, RealClock real)
{
    private const int MaxAttempts = 200;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public JourneyRules Rules => rules;

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
    public async Task<EngineResult> ExecuteAsync(
        string journeyId, Func<DateTimeOffset, JourneyCommand> command, string? requestHash = null, CancellationToken ct = default,
        int requiredVersion = 0, StoredJourney? known = null)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(journeyId) % _stripes.Length];
        await stripe.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var before = attempt == 1 && known is not null ? known : await store.GetAsync(journeyId, ct);
                    return await AttemptAsync(journeyId, before, command, requestHash, requiredVersion, ct);
                }
                catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
                {
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
        CancellationToken ct)
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
        var notifications = decision.Events.OfType<NotificationRequested>()
            .Select((n, i) => composer.Compose(after, n, after.Version, i, now, decision.Events)).ToArray();
        var scheduled = decision.Events.OfType<DeadlineScheduled>()
            .Select(s => after.Deadlines.Last(d => d.Kind == s.Kind && d.Due == s.Due))
            .SelectMany(d => TimerPlan.ToSchedule(d, after.Referral.Region, rules.Calendar, reminders.TimeOfDay, now));
        var eventId = (asked as RecordEvent)?.EventId;
        var commit = new Commit(decision.Events, notifications, requestHash, now, eventId,
            eventId is null ? null : EventKeys.Fingerprint(((RecordEvent)asked).Event));
        // Write-ahead: timers and outbox pointers first, stamped with the version they belong to; ADR 001 says why a
        // dispatcher that finds the journey behind that version leaves them alone.
        await timers.ScheduleAsync(journeyId, after.Version, scheduled, real.Now, ct);
        await outbox.EnqueueAsync(notifications, after.Version, real.Now, ct);
        if (BeforeCommit is { } probe) await probe(journeyId);
        try
        {
            await store.CommitAsync(before, after, commit, ct);
            await index.UpsertAsync(after, now, ct);
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
            throw ex as ConcurrencyConflictException ?? new ConcurrencyConflictException(ex);
        }
        return new EngineResult(new StoredJourney(after, default, requestHash ?? before?.RequestHash, commit.CommitId), null, decision.Events);
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
