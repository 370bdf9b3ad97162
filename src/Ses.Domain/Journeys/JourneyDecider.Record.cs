using Ses.Domain.Calendar;
using Ses.Domain.Referrals;

namespace Ses.Domain.Journeys;

public static partial class JourneyDecider
{
    private static Decision Record(Journey state, RecordEvent c, JourneyRules rules)
    {
        var today = Today(c);
        if (DateProblem(state, c.Event, today) is { } problem)
        {
            return Decision.Reject(RejectionKind.BusinessRule, problem);
        }
        var reported = new EventReported(c.Event, c.EventId, c.Now);
        return Effects(state, c.Event, today, rules) switch
        {
            { Rejection: not null } rejected => rejected,
            var accepted => Decision.Accept([reported, .. accepted.Events]),
        };
    }

    private static Decision Effects(Journey state, ReportedEvent reported, DateOnly today, JourneyRules rules) => reported switch
    {
        PrapAcknowledged or StrandReferralAccepted => Decision.Nothing,
        HoursChanged or EmploymentBreak or BenefitClaim or WageIncentivePaid or JobEnded => Accept(EmploymentFact(state, reported, today)),
        Ucpr1Received e => Accept(Settle(state, DeadlineKind.Ucpr1Chase, DeadlineState.Met, e.OccurredOn)),
        InitialAssessmentBooked e => Accept(Booked(state, e)),
        InitialAssessmentHeld e => Accept(Held(state, e, today)),
        Started e => Accept(Start(state, e, rules)),
        ReferralRejected => Accept(Close(state, Closure.Rejected, "Other", today)), // 13.33: PRaP reason "Other"
        BackedOutNotified e => Accept([new DeadlineScheduled(
            DeadlineKind.PrapCancel, LondonTime.DateOf(e.OccurredAt.AddHours(24)), e.OccurredAt.AddHours(24))]),
        ReferralCancelled e => Accept(CloseAfter(
            state, Settle(state, DeadlineKind.PrapCancel, DeadlineState.Met, e.OccurredOn).ToArray(), Closure.DidNotStart, null, today)),
        IspAgreed e when e.ReviewIntervalWeeks is < 1 or > 52 =>
            Decision.Reject(RejectionKind.BusinessRule, "reviewIntervalWeeks must be between 1 and 52 (4.09)."),
        IspAgreed e => Accept(AgreeIsp(state, e)),
        IspReviewed e => Accept([.. Settle(state, DeadlineKind.IspReview, DeadlineState.Met, e.OccurredOn),
            new DeadlineScheduled(DeadlineKind.IspReview, e.OccurredOn.AddDays(7 * state.IspReviewIntervalWeeks!.Value))]),
        LeftEarly e => Accept(Leave(state, e.LeftOn, "uc452-part8a")), // 13.36
        Completed e => Accept(Leave(state, e.EndOn, "uc452-part8b")), // 13.37
        JobStarted e => StartJob(state, e),
        MovedToOtherProvision => Accept(Close(state, Closure.MovedToOtherProvision, "Moved to other provision: no later outcome (6.05).", today)),
        Withdrawn e => Accept(Close(state, Closure.Withdrawn, e.Reason, today)),
        SroEligibilityConfirmed e => ConfirmSro(state, e, rules),
        SroNotEligible e => Accept(Close(state, Closure.NotEligible, e.Reason, today)), // 13.51: reason kept
        _ => throw new InvalidOperationException($"Unhandled event {reported.Type}."),
    };

    private static Decision Accept(IEnumerable<JourneyEvent> events) => Decision.Accept(events.ToArray());

    private static IEnumerable<JourneyEvent> Booked(Journey state, InitialAssessmentBooked e)
    {
        if (state.Latest(DeadlineKind.FirstMeeting) is { } meeting && e.AppointmentOn > meeting.Due)
        {
            yield return new WarningRaised(
                $"The appointment on {e.AppointmentOn:yyyy-MM-dd} is after the first-meeting deadline {meeting.Due:yyyy-MM-dd} (13.17).");
        }
    }

    private static IEnumerable<JourneyEvent> Held(Journey state, InitialAssessmentHeld e, DateOnly today)
    {
        var effects = SettleByDate(state, DeadlineKind.FirstMeeting, e.OccurredOn).ToList();
        if (e.Recommendation == Recommendation.NotSuitable)
        {
            if (state.UniversalCredit)
            {
                effects.Add(Notify(state, "uc452-part7", Audience.UcServiceCentreAndSesPolicy)); // 13.22
                effects.Add(new TaskCreated("telephone-spoc",
                    "Telephone the JCP SPoC: the claimant is not suitable for SES (13.31)."));
            }
            return CloseAfter(state, effects, Closure.NotSuitable, e.Reason, today);
        }
        effects.Add(new PhaseChanged(Phase.Assessed));
        if (state.UniversalCredit) effects.Add(Notify(state, "uc452-part6", Audience.UcServiceCentreAndSesPolicy)); // 13.21
        return effects;
    }

    private static IEnumerable<JourneyEvent> Start(Journey state, Started e, JourneyRules rules)
    {
        var region = state.Referral.Region;
        return [
            .. SettleByDate(state, DeadlineKind.Start, e.StartOn),
            .. Settle(state, DeadlineKind.Ucpr1Chase, DeadlineState.Cancelled, e.StartOn),
            new PhaseChanged(Phase.OnProvision),
            new DeadlineScheduled(DeadlineKind.IspAgreed, rules.Calendar.AddWorkingDays(region, e.StartOn, rules.IspAgreedWorkingDays)),
            new DeadlineScheduled(DeadlineKind.ProvisionEnd, e.StartOn.AddDays(JourneyRules.ProvisionDays)),
        ];
    }

    private static IEnumerable<JourneyEvent> AgreeIsp(Journey state, IspAgreed e) =>
    [
        .. Settle(state, DeadlineKind.IspAgreed, DeadlineState.Met, e.OccurredOn),
        .. Settle(state, DeadlineKind.IspReview, DeadlineState.Cancelled, e.OccurredOn),
        new DeadlineScheduled(DeadlineKind.IspReview, e.OccurredOn.AddDays(7 * e.ReviewIntervalWeeks)),
    ];

    private static IEnumerable<JourneyEvent> Leave(Journey state, DateOnly endedOn, string uc452Part)
    {
        var effects = new List<JourneyEvent>();
        effects.AddRange(Settle(state, DeadlineKind.ProvisionEnd, DeadlineState.Met, endedOn));
        foreach (var kind in new[] { DeadlineKind.IspAgreed, DeadlineKind.IspReview, DeadlineKind.PrapCancel, DeadlineKind.Ucpr1Chase })
        {
            effects.AddRange(Settle(state, kind, DeadlineState.Cancelled, endedOn));
        }
        effects.Add(new PhaseChanged(Phase.Tracking));
        if (state.UniversalCredit) effects.Add(Notify(state, uc452Part, Audience.UcServiceCentreAndSesPolicy));
        if (state.Referral.WorkCoach is not null) effects.Add(Notify(state, "customer-exit-note", Audience.WorkCoach)); // 13.03
        effects.Add(new TaskCreated("leaver-report", "Complete the Leaver Report for the participant's file (13.01-13.02)."));
        effects.Add(new DeadlineScheduled(DeadlineKind.TrackingWindow, endedOn.AddDays(JourneyRules.TrackingWindowDays)));
        return effects;
    }

    private static Decision ConfirmSro(Journey state, SroEligibilityConfirmed e, JourneyRules rules)
    {
        if (!PurchaseOrderNumber.TryParse(e.PrapReferralId, out var po, out var error))
        {
            return Decision.Reject(RejectionKind.BusinessRule, $"prapReferralId: {error}");
        }
        return Accept([
            new ReferralIdAssigned(po.Value, po.IsUniversalCredit, e.OccurredOn),
            new PhaseChanged(Phase.Referred),
            .. InitialDeadlines(e.OccurredOn, state.Referral.Region, po.IsUniversalCredit, rules),
        ]);
    }
}
