using Ses.Domain.Journeys;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Timers;

namespace Ses.Infrastructure.Journeys;

public sealed record EngineResult(StoredJourney? Journey, Rejection? Rejection, IReadOnlyList<JourneyEvent> Events)
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
/// then commit state + history + outbox in one transaction. An ETag conflict means another writer won: decide again on
/// the fresh state, so nothing is overwritten and nothing applies twice.
/// </summary>
public sealed class JourneyEngine(
    JourneyStore store, TimerIndex timers, OutboxIndex outbox, EmailComposer composer,
    JourneyRules rules, ReminderOptions reminders, TimeProvider time)
{
    private const int MaxAttempts = 200;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public JourneyRules Rules => rules;

    public async Task<EngineResult> ExecuteAsync(
        string journeyId, Func<DateTimeOffset, JourneyCommand> command, string? requestHash = null, CancellationToken ct = default)
    {
        // Writers in this process queue per journey; other hosts are kept honest by the ETag.
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(journeyId) % _stripes.Length];
        await stripe.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await AttemptAsync(journeyId, command, requestHash, ct);
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
        string journeyId, Func<DateTimeOffset, JourneyCommand> command, string? requestHash, CancellationToken ct)
    {
        var before = await store.GetAsync(journeyId, ct);
        var now = time.GetUtcNow();
        var decision = JourneyDecider.Decide(before?.Journey, command(now), rules);
        if (decision.Rejection is not null || decision.Events.Count == 0)
        {
            return new EngineResult(before, decision.Rejection, []);
        }
        var after = JourneyEvolver.Fold(decision.Events, before?.Journey)! with { Version = (before?.Journey.Version ?? 0) + 1 };
        var notifications = decision.Events.OfType<NotificationRequested>()
            .Select((n, i) => composer.Compose(after, n, after.Version, i, now)).ToArray();
        var scheduled = decision.Events.OfType<DeadlineScheduled>()
            .Select(s => after.Deadlines.Last(d => d.Kind == s.Kind && d.Due == s.Due))
            .SelectMany(d => TimerPlan.ToSchedule(d, after.Referral.Region, rules.Calendar, reminders.TimeOfDay, now));
        await timers.ScheduleAsync(journeyId, scheduled, ct);
        await outbox.EnqueueAsync(notifications.Where(n => n.Status == Notification.Queued), after.Version, now, ct);
        await store.CommitAsync(before, after, decision.Events, notifications, requestHash, now, ct);
        return new EngineResult(new StoredJourney(after, default, requestHash ?? before?.RequestHash), null, decision.Events);
    }
}
