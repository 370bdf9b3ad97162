using Ses.Domain.Journeys;

namespace Ses.Journeys;

/// <summary>One decision of a step and the version it made: what the commit writes as that version's history.</summary>
public sealed record Decided(int Version, DateTimeOffset At, IReadOnlyList<JourneyEvent> Events);

/// <summary>
/// What one step decided: the journey after it, the decisions in order (timer steps caught up first, then the message's),
/// the reply, and what else the step must do. Pure data: the orchestration turns it into activities.
/// </summary>
public sealed record StepPlan(Journey? After, IReadOnlyList<Decided> Decisions, StepReply? Reply)
{
    /// <summary>The eventId the message's decision claims (its key row is written with the commit), and its fingerprint.</summary>
    public (string EventId, string Fingerprint, int Version)? EventKey { get; init; }
    public string? Resend { get; init; }
    public bool Purge { get; init; }
    /// <summary>The first pending timer step: a durable timer in System mode, the wake-up row in Virtual mode.</summary>
    public DateTimeOffset? NextStepAt { get; init; }
}

/// <summary>
/// The rules of one orchestration step, as a pure function the orchestrator calls and unit tests call directly. In System
/// mode, before a message at time T every timer step due by T fires, so a journey never decides a message ahead of a
/// deadline that came first, and steps the message scheduled already due by T fire after it. With the virtual clock, a
/// move's wake-up fires every step due by the new time, each at its own time, and nothing else fires a step. The decider stays the only
/// place rules live: this only feeds it commands and folds what it returns.
/// </summary>
public static class JourneyStep
{
    /// <summary>More steps than any journey has pending at once: a guard against a step that never settles.</summary>
    private const int MaxCatchUp = 500;

    /// <param name="now">The orchestration's time (<c>CurrentUtcDateTime</c>): when System-mode timer steps fire.</param>
    /// <param name="previousUse">The fingerprint already recorded under the message's eventId (the commit found it used).</param>
    public static StepPlan Plan(JourneyRun run, JourneyMessage? message, DateTimeOffset now, string? previousUse = null)
    {
        var policy = run.Policy;
        var rules = policy.Rules;
        var state = run.State;
        var decisions = new List<Decided>();
        // System mode: time passes by itself, so a step catches up to its message's time (or, woken by its own timer, to
        // now). With the virtual clock business time moves only when an operator moves it: only the move's wake-up fires.
        var until = policy.VirtualClock ? (message is WakeMessage ? message.Now : DateTimeOffset.MinValue) : message?.Now ?? now;
        var fired = CatchUp(ref state, until, now, policy, decisions);
        StepReply? reply = null;
        (string, string, int)? key = null;
        string? resend = null;
        var purge = false;
        switch (message)
        {
            case WakeMessage w:
                reply = new StepReply(w.RequestId, ReplyOutcome.Woken) { Fired = fired };
                break;
            case ResendMessage r:
                resend = r.NotificationId;
                reply = new StepReply(r.RequestId, ReplyOutcome.Accepted);
                break;
            case PurgeMessage p when state is { Phase: Phase.Closed }:
                purge = true;
                reply = new StepReply(p.RequestId, ReplyOutcome.Purged);
                break;
            case PurgeMessage p:
                reply = Rejected(p, new Rejection(RejectionKind.NotAllowed,
                    state is null ? "The journey does not exist." : "Only a closed journey can be purged: terminate it first.", []));
                break;
            case not null:
                var command = Command(message, previousUse);
                var decision = JourneyDecider.Decide(state, command, rules);
                if (decision.Rejection is { } rejection)
                {
                    reply = Rejected(message, rejection);
                    // Idempotency before phase rules: a retry of an event the journey has since moved past is a retry, not a
                    // 409. The commit looks the eventId up (key: version 0, nothing claimed) and the step is decided again.
                    if (message is EventMessage { EventId: { } probe } pe && previousUse is null) key = (probe, EventKeys.Fingerprint(pe.Event), 0);
                }
                else if (decision.Events.Count == 0) reply = new StepReply(message.RequestId, ReplyOutcome.Unchanged) { Version = state?.Version ?? 0 };
                else
                {
                    state = Apply(state, decision.Events, message.Now, policy, decisions);
                    reply = new StepReply(message.RequestId, ReplyOutcome.Applied)
                    {
                        Version = state.Version,
                        Warnings = decision.Events.OfType<WarningRaised>().Select(w => w.Message).ToArray(),
                    };
                    if (message is EventMessage { EventId: { } eventId } e) key = (eventId, EventKeys.Fingerprint(e.Event), state.Version);
                }
                break;
        }
        // Steps the message itself scheduled that were due by its time already (a referral dated in the past) fire now too.
        if (message is not null and not PurgeMessage and not WakeMessage) fired += CatchUp(ref state, until, now, policy, decisions);
        if (reply is { Outcome: ReplyOutcome.Woken }) reply = reply with { Fired = fired };
        if (reply is not null)
        {
            reply = reply with
            {
                Version = reply.Version == 0 ? state?.Version ?? 0 : reply.Version,
                // The emails' IDs follow from the decisions (the commit composes them under these IDs).
                Notifications = decisions.SelectMany(d => d.Events.OfType<NotificationRequested>().Select((_, i) =>
                    Ses.Infrastructure.Outbox.Notification.IdFor(run.JourneyId, Ses.Infrastructure.Journeys.JourneyRows.NotificationKey(d.Version, i)))).ToArray(),
            };
        }
        return new StepPlan(state, decisions, reply)
        {
            EventKey = key, Resend = resend, Purge = purge, NextStepAt = state is null ? null : NextStep(state, policy)?.FireAt,
        };
    }

    /// <summary>Fires every pending timer step due by <paramref name="until"/>, in order; how many fired.</summary>
    private static int CatchUp(ref Journey? state, DateTimeOffset until, DateTimeOffset now, JourneyPolicy policy, List<Decided> decisions)
    {
        var fired = 0;
        for (var guard = 0; state is not null && guard < MaxCatchUp; guard++)
        {
            var next = NextStep(state, policy);
            if (next is null || next.FireAt > until) break;
            var at = policy.VirtualClock || next.FireAt > now ? next.FireAt : now;
            var decision = JourneyDecider.Decide(state, new FireTimer(next.Kind, next.Due, next.Step, at), policy.Rules);
            if (decision.Events.Count == 0) break; // TimerPlan and the decider disagree: never loop on it
            state = Apply(state, decision.Events, at, policy, decisions);
            fired++;
        }
        return fired;
    }

    private static StepReply Rejected(JourneyMessage message, Rejection rejection) =>
        new(message.RequestId, ReplyOutcome.Rejected) { Rejection = rejection };

    private static TimerSpec? NextStep(Journey state, JourneyPolicy policy) =>
        TimerPlan.Pending(state, policy.Rules.Calendar, policy.ReminderTime).FirstOrDefault();

    private static JourneyCommand Command(JourneyMessage message, string? previousUse) => message switch
    {
        ReferralMessage r => new ReceiveReferral(r.JourneyId, r.Referral, r.Now) { By = r.By },
        EventMessage e => new RecordEvent(e.Event, e.EventId, e.Now, previousUse) { By = e.By },
        TerminateMessage t => new Terminate(t.Reason, t.Now) { By = t.By },
        CompleteTaskMessage c => new CompleteTask(c.TaskId, c.Note, c.Now) { By = c.By },
        _ => throw new ArgumentOutOfRangeException(nameof(message), message.GetType().Name),
    };

    /// <summary>
    /// Folds a decision into the journey as a new version. Reminders already past when their deadline is scheduled never
    /// fire (a deadline scheduled late does not remind of what is already due).
    /// </summary>
    private static Journey Apply(Journey? before, IReadOnlyList<JourneyEvent> events, DateTimeOffset at, JourneyPolicy policy, List<Decided> decisions)
    {
        var version = (before?.Version ?? 0) + 1;
        var after = JourneyEvolver.Fold(events, before)! with { Version = version };
        var scheduled = events.OfType<DeadlineScheduled>().Select(s => (s.Kind, s.Due)).ToHashSet();
        if (scheduled.Count > 0)
        {
            after = TimerPlan.SkipPast(after, d => scheduled.Contains((d.Kind, d.Due)), policy.Rules.Calendar, policy.ReminderTime, at);
        }
        decisions.Add(new Decided(version, at, events));
        return after;
    }
}
