using Ses.Domain.Calendar;

namespace Ses.Domain.Journeys;

public static partial class JourneyDecider
{
    /// <summary>
    /// A timer firing. A deadline that was met, cancelled or moved (its due date changed) does nothing, and so does a step
    /// that already fired: this is what makes timers fire once in effect even when delivered twice (SPEC 4.4).
    /// </summary>
    private static Decision Fire(Journey state, FireTimer c, JourneyRules rules)
    {
        var deadline = state.Deadlines.LastOrDefault(d => d.Kind == c.Kind && d.Due == c.Due);
        if (deadline is not { State: DeadlineState.Pending } || deadline.Fired.Contains(c.Step))
        {
            return Decision.Nothing;
        }
        var today = Today(c);
        var fired = new TimerFired(c.Kind, c.Due, c.Step, c.Now);
        if (c.Step != TimerStep.Due)
        {
            return Decision.Accept([fired, Notify(state, "deadline-reminder", Audience.ProviderStaff, deadline)]);
        }
        IEnumerable<JourneyEvent> effects = c.Kind switch
        {
            // 13.14, 13.67: on the 4th working day without the UCPR1, ask the SPoC for a duplicate.
            DeadlineKind.Ucpr1Chase => [fired, Missed(deadline, today), Notify(state, "ucpr1-chase", Audience.Spoc, deadline)],
            // 6.04: no job start inside the 6-week tracking window closes the journey.
            DeadlineKind.TrackingWindow => CloseAfter(state, [fired, Missed(deadline, today)], Closure.NoJobInTrackingPeriod,
                "No job started within 6 weeks of leaving provision (6.04).", today),
            // 4.09, 4.12: reviews recur at the agreed interval whether or not one was missed.
            DeadlineKind.IspReview => [fired, Missed(deadline, today), Notify(state, "deadline-missed", Audience.ProviderStaff, deadline),
                new DeadlineScheduled(DeadlineKind.IspReview, NextReview(state, deadline.Due, rules))],
            DeadlineKind.ShortOutcome or DeadlineKind.SustainedOutcome => Checkpoint(state, deadline, fired, today),
            _ => [fired, Missed(deadline, today), Notify(state, "deadline-missed", Audience.ProviderStaff, deadline)],
        };
        return Decision.Accept(effects.ToArray());
    }

    private static DeadlineSettled Missed(Deadline deadline, DateOnly today) =>
        new(deadline.Kind, deadline.Due, DeadlineState.Missed, today);

    /// <summary>
    /// Dates staff report must be real: not in the future (London date of the command) and not before the referral.
    /// Appointment and anticipated dates look ahead, so they are exempt.
    /// </summary>
    private static string? DateProblem(Journey state, ReportedEvent reported, DateOnly today)
    {
        foreach (var (field, date) in ReportedDates(reported))
        {
            if (date > today) return $"{field} {date:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd}).";
            if (date < state.ReferralDate) return $"{field} {date:yyyy-MM-dd} is before the referral date {state.ReferralDate:yyyy-MM-dd}.";
        }
        return reported switch
        {
            EmploymentBreak b when b.ToOn < b.FromOn => "toOn is before fromOn.",
            BenefitClaim b when b.ToOn < b.FromOn => "toOn is before fromOn.",
            HoursChanged h when h.HoursPerWeek is < 0 or > 168 => "hoursPerWeek must be between 0 and 168.",
            HoursChanged h when h.FromOn < state.Employment?.JobStart => "fromOn is before the job start.",
            EmploymentBreak b when b.FromOn < state.Employment?.JobStart => "fromOn is before the job start.",
            JobEnded j when j.EndedOn < state.Employment?.JobStart => "endedOn is before the job start.",
            LeftEarly l when l.LeftOn < state.StartOn => "leftOn is before the start date.",
            Completed x when x.EndOn < state.StartOn => "endOn is before the start date.",
            _ => null,
        };
    }

    private static IEnumerable<(string Field, DateOnly Date)> ReportedDates(ReportedEvent reported) => reported switch
    {
        PrapAcknowledged e => [("occurredOn", e.OccurredOn)],
        Ucpr1Received e => [("occurredOn", e.OccurredOn)],
        InitialAssessmentBooked e => [("occurredOn", e.OccurredOn)],
        InitialAssessmentHeld e => [("occurredOn", e.OccurredOn)],
        StrandReferralAccepted e => [("occurredOn", e.OccurredOn)],
        Started e => [("startOn", e.StartOn)],
        ReferralRejected e => [("occurredOn", e.OccurredOn)],
        BackedOutNotified e => [("occurredAt", LondonTime.DateOf(e.OccurredAt))],
        ReferralCancelled e => [("occurredOn", e.OccurredOn)],
        IspAgreed e => [("occurredOn", e.OccurredOn)],
        IspReviewed e => [("occurredOn", e.OccurredOn)],
        LeftEarly e => [("leftOn", e.LeftOn)],
        Completed e => [("endOn", e.EndOn)],
        JobStarted e => [("startOn", e.StartOn)],
        HoursChanged e => [("fromOn", e.FromOn)],
        EmploymentBreak e => [("fromOn", e.FromOn)],
        BenefitClaim e => [("fromOn", e.FromOn)],
        WageIncentivePaid e => [("occurredOn", e.OccurredOn)],
        JobEnded e => [("endedOn", e.EndedOn)],
        MovedToOtherProvision e => [("occurredOn", e.OccurredOn)],
        Withdrawn e => [("occurredOn", e.OccurredOn)],
        SroEligibilityConfirmed e => [("occurredOn", e.OccurredOn)],
        SroNotEligible e => [("occurredOn", e.OccurredOn)],
        _ => [],
    };
}
