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
        return Effects(state, c.Event, today, rules, c) switch
        {
            { Rejection: not null } rejected => rejected,
            var accepted => Decision.Accept([reported, .. accepted.Events]),
        };
    }

    private static Decision Effects(Journey state, ReportedEvent reported, DateOnly today, JourneyRules rules, RecordEvent command) => reported switch
    {
        PrapAcknowledged or StrandReferralAccepted => Decision.Nothing,
        HoursChanged or EmploymentBreak or BenefitClaim or WageIncentivePaid or JobEnded => Accept(EmploymentFact(state, reported, today)),
        JobStarted e when state.Phase == Phase.InWork => ResumeJob(state, e, today),
        ContactDetailsAdded e => AddContactDetails(state, e, command),
        Ucpr1Received e => Accept(WorkDone(state, DeadlineKind.Ucpr1Chase, e.OccurredOn)),
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
        IspAgreed e => Accept(AgreeIsp(state, e, rules)),
        IspReviewed e => Accept([.. WorkDone(state, DeadlineKind.IspReview, e.OccurredOn),
            new DeadlineScheduled(DeadlineKind.IspReview, NextReview(state, e.OccurredOn, rules))]),
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
        var effects = WorkDone(state, DeadlineKind.FirstMeeting, e.OccurredOn, byDate: true).Concat(ScrAssessmentTask(state)).ToList();
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
            .. WorkDone(state, DeadlineKind.Start, e.StartOn, byDate: true),
            .. Settle(state, DeadlineKind.Ucpr1Chase, DeadlineState.Cancelled, e.StartOn),
            // A start makes the UCPR1 chase irrelevant (its pending deadline is cancelled), so a missed one stops counting too.
            .. NoLongerDue(state, [DeadlineKind.Ucpr1Chase], e.StartOn),
            new PhaseChanged(Phase.OnProvision),
            new DeadlineScheduled(DeadlineKind.IspAgreed, rules.Calendar.AddWorkingDays(region, e.StartOn, rules.IspAgreedWorkingDays)),
            new DeadlineScheduled(DeadlineKind.ProvisionEnd, e.StartOn.AddDays(JourneyRules.ProvisionDays)),
        ];
    }

    /// <summary>4.05, 4.12: the plan is agreed with its review interval; a new agreement replaces the review schedule.</summary>
    private static IEnumerable<JourneyEvent> AgreeIsp(Journey state, IspAgreed e, JourneyRules rules) =>
    [
        .. WorkDone(state, DeadlineKind.IspAgreed, e.OccurredOn),
        .. Settle(state, DeadlineKind.IspReview, DeadlineState.Cancelled, e.OccurredOn),
        .. NoLongerDue(state, [DeadlineKind.IspReview], e.OccurredOn),
        new DeadlineScheduled(DeadlineKind.IspReview, NextReview(state with { IspReviewIntervalWeeks = e.ReviewIntervalWeeks }, e.OccurredOn, rules)),
    ];

    private static IEnumerable<JourneyEvent> Leave(Journey state, DateOnly endedOn, string uc452Part)
    {
        var effects = new List<JourneyEvent>();
        effects.AddRange(WorkDone(state, DeadlineKind.ProvisionEnd, endedOn));
        DeadlineKind[] irrelevant = [DeadlineKind.IspAgreed, DeadlineKind.IspReview, DeadlineKind.PrapCancel, DeadlineKind.Ucpr1Chase];
        foreach (var kind in irrelevant)
        {
            effects.AddRange(Settle(state, kind, DeadlineState.Cancelled, endedOn));
        }
        // Work missed on provision cannot be done once the participant has left: it no longer makes the journey overdue.
        effects.AddRange(NoLongerDue(state, irrelevant, endedOn));
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
        // 13.49: JCP then refers through PRaP with this purchase order number; the journey takes it as its referral ID, and
        // the API resolves that later PRaP referral to this journey rather than starting a second one.
        return Accept([
            new ReferralIdAssigned(po.Value, po.IsUniversalCredit, e.OccurredOn),
            new PhaseChanged(Phase.Referred),
            .. InitialDeadlines(e.OccurredOn, state.Referral.Region, po.IsUniversalCredit, rules),
            Sessro1Task(),
        ]);
    }

    /// <summary>
    /// The work of a deadline was done on <paramref name="on"/>: the pending deadline is met (or, judged
    /// <paramref name="byDate"/>, missed when late), and a deadline already missed has its work done late, so the journey
    /// stops being overdue for it (SPEC 4.4).
    /// </summary>
    private static IEnumerable<JourneyEvent> WorkDone(Journey state, DeadlineKind kind, DateOnly on, bool byDate = false)
    {
        foreach (var settled in byDate ? SettleByDate(state, kind, on) : Settle(state, kind, DeadlineState.Met, on))
        {
            yield return settled;
            if (settled is DeadlineSettled { State: DeadlineState.Missed } late) yield return new MissedWorkDone(kind, late.Due, on);
        }
        foreach (var doneLate in NoLongerDue(state, [kind], on)) yield return doneLate;
    }

    /// <summary>Missed deadlines of these kinds whose work is done, or can no longer be done.</summary>
    private static IEnumerable<JourneyEvent> NoLongerDue(Journey state, IReadOnlyList<DeadlineKind> kinds, DateOnly on) =>
        state.Deadlines
            .Where(d => kinds.Contains(d.Kind) && d.State == DeadlineState.Missed && d.WorkDoneOn is null)
            .Select(d => new MissedWorkDone(d.Kind, d.Due, on));

    /// <summary>
    /// 4.09, 4.12: the next ISP review falls the agreed interval after <paramref name="from"/> (the agreement, the review, or
    /// a review that was missed, so the reviews keep recurring). A date that is not a working day in the journey's region
    /// moves to the next working day: a review is held with the participant when the provider is open (docs/adr/004).
    /// </summary>
    private static DateOnly NextReview(Journey state, DateOnly from, JourneyRules rules)
    {
        var due = from.AddDays(7 * state.IspReviewIntervalWeeks!.Value);
        while (!rules.Calendar.IsWorkingDay(state.Referral.Region, due)) due = due.AddDays(1);
        return due;
    }
}
