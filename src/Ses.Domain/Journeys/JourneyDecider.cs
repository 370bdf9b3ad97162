using Ses.Domain.Calendar;
using Ses.Domain.Referrals;

namespace Ses.Domain.Journeys;

/// <summary>
/// The journey as a decider: <c>Decide(state, command)</c> returns the events to append or a rejection;
/// <see cref="JourneyEvolver.Evolve"/> folds them. Pure: the time is in the command, the calendar in the rules.
/// </summary>
public static partial class JourneyDecider
{
    public static Decision Decide(Journey? state, JourneyCommand command, JourneyRules rules) =>
        Stamp(state, command, DecideUnstamped(state, command, rules));

    private static Decision DecideUnstamped(Journey? state, JourneyCommand command, JourneyRules rules) => (command, state) switch
    {
        (ReceiveReferral c, null) => Decision.Accept(Receive(c, rules)),
        (ReceiveReferral, not null) => Decision.Reject(RejectionKind.Conflict, "The journey already exists."),
        (_, null) => Decision.Reject(RejectionKind.Conflict, "The journey does not exist."),
        (FireTimer c, not null) => Fire(state, c, rules),
        // A task can be completed after the journey closed: the SPoC call of a not-suitable closure comes after it (13.31).
        (CompleteTask c, not null) => CompleteTask(state, c),
        (RecordEvent { PreviousUse: { } used } c, not null) => used == EventKeys.Fingerprint(c.Event)
            ? Decision.Nothing
            : Decision.Reject(RejectionKind.Conflict, $"eventId '{c.EventId}' was already used for a different event."),
        (_, { Phase: Phase.Closed }) => Decision.Reject(
            RejectionKind.NotAllowed, $"The journey is closed ({Kebab.Of(state.Closure ?? Closure.Terminated)}): nothing more can be recorded."),
        (RecordEvent c, not null) when !AllowedEvents.Allows(state, c.Event) => Decision.Reject(
            RejectionKind.NotAllowed,
            $"'{c.Event.Type}' is not allowed while the journey is {Kebab.Of(state.Phase)}.",
            AllowedEvents.For(state)),
        (RecordEvent c, not null) => Record(state, c, rules),
        (Terminate c, not null) => Decision.Accept(Close(state, Closure.Terminated, c.Reason, Today(c)).ToArray()),
        _ => throw new InvalidOperationException($"Unknown command {command.GetType().Name}."),
    };

    /// <summary>
    /// Every event carries the command's actor (SPEC 5.1: every history entry records who), and every new task gets the
    /// next ID of the journey: t1, t2, ... so it can be completed by ID.
    /// </summary>
    private static Decision Stamp(Journey? state, JourneyCommand command, Decision decision)
    {
        if (decision.IsRejected || decision.Events.Count == 0) return decision;
        var taskNumber = state?.Tasks.Count ?? 0;
        return Decision.Accept(decision.Events.Select(e => e switch
        {
            TaskCreated t => t with { TaskId = $"t{++taskNumber}", By = command.By },
            _ => e with { By = command.By },
        }).ToArray());
    }

    private static IReadOnlyList<JourneyEvent> Receive(ReceiveReferral c, JourneyRules rules)
    {
        var events = new List<JourneyEvent> { new ReferralReceived(c.JourneyId, c.Referral, c.Now) };
        // 13.44: an SRO introduction is not a referral until eligibility is confirmed on SESSRO1.
        if (c.Referral.Channel != Channel.Sro)
        {
            events.AddRange(InitialDeadlines(c.Referral.ReferralDate, c.Referral.Region, c.Referral.UniversalCredit, rules));
        }
        events.AddRange(RestrictedRecordTasks(c.Referral));
        return events;
    }

    private static IEnumerable<JourneyEvent> InitialDeadlines(DateOnly referralDate, Region region, bool universalCredit, JourneyRules rules)
    {
        var calendar = rules.Calendar;
        if (universalCredit)
        {
            yield return new DeadlineScheduled(
                DeadlineKind.Ucpr1Chase, calendar.AddWorkingDays(region, referralDate, JourneyRules.Ucpr1ChaseWorkingDays));
        }
        yield return new DeadlineScheduled(
            DeadlineKind.FirstMeeting, calendar.AddWorkingDays(region, referralDate, JourneyRules.FirstMeetingWorkingDays));
        yield return new DeadlineScheduled(
            DeadlineKind.Start, calendar.AddWorkingDays(region, referralDate, JourneyRules.StartWorkingDays));
    }

    private static DateOnly Today(JourneyCommand c) => LondonTime.DateOf(c.Now);

    /// <summary>
    /// Closes the journey: pending deadlines are cancelled, and an outcome still pending is decided not-achieved with the
    /// closure as its reason (SPEC 4.6), so no journey keeps an undecided outcome forever.
    /// </summary>
    private static IEnumerable<JourneyEvent> Close(Journey state, Closure closure, string? reason, DateOnly today)
    {
        foreach (var pending in state.Deadlines.Where(d => d.State == DeadlineState.Pending))
        {
            yield return new DeadlineSettled(pending.Kind, pending.Due, DeadlineState.Cancelled, today);
        }
        var why = $"The journey closed ({Kebab.Of(closure)}) before the outcome could be achieved{(reason is null ? "" : $": {reason}")}";
        if (state.ShortOutcome.State == Outcomes.OutcomeState.Pending)
        {
            yield return new OutcomeDecided(Outcome.Short, Outcomes.OutcomeDecision.NotAchieved(why));
        }
        if (state.SustainedOutcome.State == Outcomes.OutcomeState.Pending)
        {
            yield return new OutcomeDecided(Outcome.Sustained, Outcomes.OutcomeDecision.NotAchieved(why));
        }
        yield return new PhaseChanged(Phase.Closed, closure, reason);
    }

    /// <summary>Closes after <paramref name="first"/>: deadlines those events already settled keep their state.</summary>
    private static IEnumerable<JourneyEvent> CloseAfter(
        Journey state, IReadOnlyList<JourneyEvent> first, Closure closure, string? reason, DateOnly today) =>
        [.. first, .. Close(JourneyEvolver.Fold(first, state)!, closure, reason, today)];

    private static IEnumerable<JourneyEvent> Settle(Journey state, DeadlineKind kind, DeadlineState outcome, DateOnly on)
    {
        if (state.Pending(kind) is { } pending)
        {
            yield return new DeadlineSettled(kind, pending.Due, outcome, on);
        }
    }

    /// <summary>Met when done on or before the due date, otherwise missed (a late start never meets the 20-day target, 13.13).</summary>
    private static IEnumerable<JourneyEvent> SettleByDate(Journey state, DeadlineKind kind, DateOnly doneOn) =>
        state.Pending(kind) is { } pending
            ? Settle(state, kind, doneOn <= pending.Due ? DeadlineState.Met : DeadlineState.Missed, doneOn)
            : [];

    /// <summary>
    /// An email, unless the journey is SCR and the audience external: SCR forms go to the JCP nominated officer
    /// by secure means, so the product creates a task instead of emailing (13.76-13.78, SPEC 4.1).
    /// </summary>
    private static JourneyEvent Notify(Journey state, string template, Audience audience, Deadline? deadline = null)
    {
        var external = audience is Audience.Spoc or Audience.UcServiceCentreAndSesPolicy or Audience.WorkCoach;
        if (state.Referral.Channel == Channel.Scr && external)
        {
            return new TaskCreated("nominated-officer",
                $"Send {template} to the JCP nominated officer by secure means, marked \"SCR participant\"; SCR details are never emailed (13.76-13.78).",
                TaskAssignee.NominatedOfficer);
        }
        return new NotificationRequested(template, audience, deadline?.Kind, deadline?.Due);
    }
}
