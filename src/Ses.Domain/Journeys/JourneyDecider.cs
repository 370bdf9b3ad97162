using Ses.Domain.Calendar;
using Ses.Domain.Referrals;

namespace Ses.Domain.Journeys;

/// <summary>
/// The journey as a decider: <c>Decide(state, command)</c> returns the events to append or a rejection;
/// <see cref="JourneyEvolver.Evolve"/> folds them. Pure: the time is in the command, the calendar in the rules.
/// </summary>
public static partial class JourneyDecider
{
    public static Decision Decide(Journey? state, JourneyCommand command, JourneyRules rules) => (command, state) switch
    {
        (ReceiveReferral c, null) => Decision.Accept(Receive(c, rules)),
        (ReceiveReferral, not null) => Decision.Reject(RejectionKind.Conflict, "The journey already exists."),
        (_, null) => Decision.Reject(RejectionKind.Conflict, "The journey does not exist."),
        (FireTimer c, not null) => Fire(state, c),
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

    private static IReadOnlyList<JourneyEvent> Receive(ReceiveReferral c, JourneyRules rules)
    {
        var events = new List<JourneyEvent> { new ReferralReceived(c.JourneyId, c.Referral, c.Now) };
        // 13.44: an SRO introduction is not a referral until eligibility is confirmed on SESSRO1.
        if (c.Referral.Channel != Channel.Sro)
        {
            events.AddRange(InitialDeadlines(c.Referral.ReferralDate, c.Referral.Region, c.Referral.UniversalCredit, rules));
        }
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

    private static IEnumerable<JourneyEvent> Close(Journey state, Closure closure, string? reason, DateOnly today)
    {
        foreach (var pending in state.Deadlines.Where(d => d.State == DeadlineState.Pending))
        {
            yield return new DeadlineSettled(pending.Kind, pending.Due, DeadlineState.Cancelled, today);
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
                $"Send {template} to the JCP nominated officer by secure means; SCR details are never emailed (13.76-13.78).");
        }
        return new NotificationRequested(template, audience, deadline?.Kind, deadline?.Due);
    }
}
