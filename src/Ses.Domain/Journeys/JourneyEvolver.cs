using Ses.Domain.Outcomes;
using Ses.Domain.Referrals;
using OutcomeBenefitClaim = Ses.Domain.Outcomes.BenefitClaim;

namespace Ses.Domain.Journeys;

/// <summary>Folds history into state. Total over valid histories; a history that does not start with a referral is corrupt.</summary>
public static class JourneyEvolver
{
    public static Journey Evolve(Journey? state, JourneyEvent e) => (state, e) switch
    {
        (null, ReferralReceived r) => new Journey
        {
            JourneyId = r.JourneyId,
            Referral = r.Referral,
            ReferralId = r.Referral.ReferralId,
            ReferralDate = r.Referral.ReferralDate,
            UniversalCredit = r.Referral.UniversalCredit,
            Phase = r.Referral.Channel == Channel.Sro ? Phase.Introduced : Phase.Referred,
        },
        (null, _) => throw new InvalidOperationException("A journey's history must start with its referral."),
        (_, EventReported r) => Reported(state, r),
        (_, ReferralIdAssigned a) => state with { ReferralId = a.ReferralId, UniversalCredit = a.UniversalCredit, ReferralDate = a.ReferralDate },
        (_, PhaseChanged p) => state with { Phase = p.Phase, Closure = p.Closure, ClosureReason = p.Reason },
        (_, DeadlineScheduled s) => state with
        {
            Deadlines = [.. state.Deadlines.Where(d => !(d.Kind == s.Kind && d.State == DeadlineState.Pending)),
                new Deadline(s.Kind, s.Due, DeadlineState.Pending, s.DueAt)],
        },
        (_, DeadlineSettled s) => Replace(state, s.Kind, s.Due, d => d with { State = s.State, SettledOn = s.On }),
        (_, TimerFired f) => Replace(state, f.Kind, f.Due, d => d with { Fired = [.. d.Fired, f.Step] }),
        (_, OutcomeDecided { Outcome: Outcome.Short } o) => state with { ShortOutcome = o.Decision },
        (_, OutcomeDecided o) => state with { SustainedOutcome = o.Decision },
        (_, TaskCreated t) => state with { Tasks = [.. state.Tasks, new JourneyTask(t.TaskId, t.Task, t.Detail, t.Assignee)] },
        (_, TaskCompleted t) => state with
        {
            Tasks = state.Tasks.Select(x => x.TaskId == t.TaskId ? x with { CompletedAt = t.At, CompletedBy = t.By, Note = t.Note } : x).ToArray(),
        },
        (_, MissedWorkDone m) => Replace(state, m.Kind, m.Due, d => d with { WorkDoneOn = m.On }),
        (_, NotificationRequested or WarningRaised) => state,
        _ => throw new InvalidOperationException($"Unknown event {e.GetType().Name}."),
    };

    /// <summary>13.70: details the nominated officer adds; a field left out keeps what the record had.</summary>
    private static Referral WithContactDetails(Referral referral, ContactDetailsAdded e)
    {
        var p = referral.Participant;
        var postcode = Postcode.TryParse(e.Postcode, out var parsed, out _) ? parsed : p.Postcode;
        return referral with
        {
            Participant = p with
            {
                Phone = e.Phone ?? p.Phone, AlternativePhone = e.AlternativePhone ?? p.AlternativePhone,
                Address = e.Address ?? p.Address, Postcode = postcode,
            },
        };
    }

    public static Journey? Fold(IEnumerable<JourneyEvent> history, Journey? state = null) =>
        history.Aggregate(state, (s, e) => Evolve(s, e));

    private static Journey Replace(Journey state, DeadlineKind kind, DateOnly due, Func<Deadline, Deadline> change)
    {
        var index = state.Deadlines.ToList().FindLastIndex(d => d.Kind == kind && d.Due == due);
        if (index < 0) return state;
        var deadlines = state.Deadlines.ToArray();
        deadlines[index] = change(deadlines[index]);
        return state with { Deadlines = deadlines };
    }

    private static Journey Reported(Journey state, EventReported r)
    {
        var s = state;
        return r.Event switch
        {
            StrandReferralAccepted => s with { StrandAccepted = true },
            Started e => s with { StartOn = e.StartOn },
            BackedOutNotified => s with { BackedOut = true },
            IspAgreed e => s with { IspReviewIntervalWeeks = e.ReviewIntervalWeeks },
            LeftEarly e => s with { ProvisionEndedOn = e.LeftOn },
            Completed e => s with { ProvisionEndedOn = e.EndOn },
            JobStarted e when s.Employment is { } job => s with { Employment = job.WithJobResumed(e.StartOn, e.HoursPerWeek) },
            JobStarted e => s with { Employment = EmploymentFacts.Start(e.StartOn, e.HoursPerWeek, true) },
            ContactDetailsAdded e => s with { Referral = WithContactDetails(s.Referral, e) },
            HoursChanged e => s with { Employment = s.Employment!.WithHoursChange(new HoursChange(e.FromOn, e.HoursPerWeek)) },
            EmploymentBreak e => s with { Employment = s.Employment!.WithBreak(new DateRange(e.FromOn, e.ToOn)) },
            BenefitClaim e => s with { Employment = s.Employment!.WithBenefitClaim(new OutcomeBenefitClaim(e.FromOn, e.ToOn)) },
            WageIncentivePaid e => s with { Employment = s.Employment!.WithWageIncentive(e.OccurredOn) },
            JobEnded e => s with { Employment = s.Employment!.WithJobEnded(e.EndedOn) },
            _ => s,
        };
    }
}
