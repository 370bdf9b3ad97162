using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>SRO introductions, rejections, cancellations, back-outs and withdrawals (13.32-13.51).</summary>
public sealed class ReferralRouteTests
{
    private static JourneySpec Assessed() => new JourneySpec().Given(Referral())
        .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 4), Recommendation.StartBack), At(2026, 3, 4));

    [Fact] // 13.44: introduced, not referred, until SESSRO1 confirms eligibility
    public void An_SRO_introduction_has_no_deadlines_until_eligibility_is_confirmed()
    {
        var spec = new JourneySpec().Given(Referral("SRO-1", channel: Channel.Sro, benefit: Benefit.Esa));
        Assert.Equal(Phase.Introduced, spec.State.Phase);
        Assert.Empty(spec.State.Deadlines);

        spec.Given(new SroEligibilityConfirmed(new DateOnly(2026, 3, 9), "200777777"), At(2026, 3, 9));
        Assert.Equal(Phase.Referred, spec.State.Phase);
        Assert.Equal("200777777", spec.State.ReferralId);
        Assert.True(spec.State.UniversalCredit);
        Assert.Equal(new DateOnly(2026, 3, 13), spec.Deadline(DeadlineKind.Ucpr1Chase).Due);
        Assert.Equal(new DateOnly(2026, 3, 23), spec.Deadline(DeadlineKind.FirstMeeting).Due);
    }

    [Fact] // 13.44
    public void Confirming_an_SRO_with_a_malformed_PRaP_number_is_refused()
    {
        var spec = new JourneySpec().Given(Referral("SRO-1", channel: Channel.Sro));
        spec.When(new SroEligibilityConfirmed(new DateOnly(2026, 3, 9), "SRO-1"), At(2026, 3, 9));
        spec.ThenRejected(RejectionKind.BusinessRule);
        Assert.Equal(Phase.Introduced, spec.State.Phase);
    }

    [Fact] // 13.51: the reason is kept for the Performance Manager
    public void An_SRO_found_not_eligible_closes_with_its_reason()
    {
        var spec = new JourneySpec().Given(Referral("SRO-2", channel: Channel.Sro))
            .Given(new SroNotEligible(new DateOnly(2026, 3, 5), "not disabled"), At(2026, 3, 5));
        Assert.Equal(Closure.NotEligible, spec.State.Closure);
        Assert.Equal("not disabled", spec.State.ClosureReason);
    }

    [Fact] // 13.33: rejection only before the strand referral is accepted, with PRaP reason "Other"
    public void A_referral_can_be_rejected_before_the_strand_is_accepted_but_not_after()
    {
        var rejected = Assessed().Given(new ReferralRejected(new DateOnly(2026, 3, 5)), At(2026, 3, 5));
        Assert.Equal(Closure.Rejected, rejected.State.Closure);
        Assert.Equal("Other", rejected.State.ClosureReason);

        var accepted = Assessed().Given(new StrandReferralAccepted(new DateOnly(2026, 3, 5), "200888888"), At(2026, 3, 5));
        var rejection = accepted.When(new ReferralRejected(new DateOnly(2026, 3, 6)), At(2026, 3, 6)).ThenRejected(RejectionKind.NotAllowed);
        Assert.Contains("referral-cancelled", rejection.AllowedEvents);
        Assert.DoesNotContain("referral-rejected", rejection.AllowedEvents);
    }

    [Fact] // 13.34
    public void A_cancelled_referral_after_acceptance_did_not_start()
    {
        var spec = Assessed().Given(new StrandReferralAccepted(new DateOnly(2026, 3, 5), "200888888"), At(2026, 3, 5))
            .Given(new ReferralCancelled(new DateOnly(2026, 3, 6)), At(2026, 3, 6));
        Assert.Equal(Closure.DidNotStart, spec.State.Closure);
        Assert.DoesNotContain(spec.State.Deadlines, d => d.State == DeadlineState.Pending);
    }

    [Fact] // 13.35: after a start, back the referral out in PRaP and cancel it within 24 hours
    public void A_back_out_schedules_the_PRaP_cancel_24_hours_later_and_alerts_when_missed()
    {
        var backedOutAt = At(2026, 3, 10, 15);
        var spec = Assessed().Given(new Started(new DateOnly(2026, 3, 9)), At(2026, 3, 9))
            .Given(new BackedOutNotified(backedOutAt), backedOutAt);
        var cancel = spec.Deadline(DeadlineKind.PrapCancel);
        Assert.Equal(backedOutAt.AddHours(24), cancel.DueAt);
        var timer = TimerPlan.For(cancel, spec.State.Referral.Region, Rules.Calendar, new TimeOnly(9, 0)).Single();
        Assert.Equal(backedOutAt.AddHours(24), timer.FireAt);
        spec.Fire(DeadlineKind.PrapCancel);
        Assert.Equal(new[] { "deadline-missed" }, spec.Emails);
    }

    [Fact] // 13.35
    public void Cancelling_after_a_back_out_meets_the_PRaP_cancel_deadline()
    {
        var spec = Assessed().Given(new Started(new DateOnly(2026, 3, 9)), At(2026, 3, 9))
            .Given(new BackedOutNotified(At(2026, 3, 10, 15)), At(2026, 3, 10, 15))
            .Given(new ReferralCancelled(new DateOnly(2026, 3, 11)), At(2026, 3, 11));
        Assert.Equal(DeadlineState.Met, spec.Deadline(DeadlineKind.PrapCancel).State);
        Assert.Equal(Closure.DidNotStart, spec.State.Closure);
    }

    [Fact] // SPEC 4.5: participation is voluntary; withdrawal from any phase before tracking
    public void A_participant_may_withdraw_before_tracking_but_not_after()
    {
        var onProvision = Assessed().Given(new Started(new DateOnly(2026, 3, 9)), At(2026, 3, 9));
        var withdrawn = onProvision.When(new Withdrawn(new DateOnly(2026, 3, 20), "moved abroad"), At(2026, 3, 20)).ThenAccepted();
        Assert.Equal(Closure.Withdrawn, withdrawn.State.Closure);

        var tracking = Assessed().Given(new Started(new DateOnly(2026, 3, 9)), At(2026, 3, 9))
            .Given(new LeftEarly(new DateOnly(2026, 4, 1)), At(2026, 4, 1));
        tracking.When(new Withdrawn(new DateOnly(2026, 4, 2)), At(2026, 4, 2)).ThenRejected(RejectionKind.NotAllowed);
    }

    [Fact] // a closed journey accepts nothing more, and its timers do nothing
    public void A_terminated_journey_refuses_events_and_ignores_its_timers()
    {
        var spec = new JourneySpec().Given(Referral()).When(new Terminate("referred in error (13.32)", At(2026, 3, 3))).ThenAccepted();
        Assert.Equal(Closure.Terminated, spec.State.Closure);
        spec.When(new PrapAcknowledged(new DateOnly(2026, 3, 3)), At(2026, 3, 3)).ThenRejected(RejectionKind.NotAllowed);
        spec.Fire(DeadlineKind.Ucpr1Chase).ThenAccepted();
        Assert.Empty(spec.Last.Events);
    }

    [Fact] // 4.05: the ISP must be agreed within 5 working days of the start
    public void An_ISP_not_agreed_in_time_is_missed_and_alerts_staff()
    {
        var spec = Assessed().Given(new Started(new DateOnly(2026, 3, 9)), At(2026, 3, 9)).Fire(DeadlineKind.IspAgreed);
        Assert.Equal(DeadlineState.Missed, spec.Deadline(DeadlineKind.IspAgreed).State);
        Assert.Equal(new[] { "deadline-missed" }, spec.Emails);
    }

    [Fact] // 4.04: reminders 4 weeks before the end of provision and on the day
    public void The_end_of_provision_is_reminded_four_weeks_before_and_on_the_day()
    {
        var spec = Assessed().Given(new Started(new DateOnly(2026, 3, 9)), At(2026, 3, 9));
        var timers = TimerPlan.For(spec.Deadline(DeadlineKind.ProvisionEnd), spec.State.Referral.Region, Rules.Calendar, new TimeOnly(9, 0)).ToArray();
        Assert.Equal(new DateOnly(2027, 3, 8), spec.Deadline(DeadlineKind.ProvisionEnd).Due);
        Assert.Equal(new DateTimeOffset(2027, 2, 8, 9, 0, 0, TimeSpan.Zero), timers.Single(t => t.Step == TimerStep.EarlyReminder).FireAt);
        Assert.Equal(new DateTimeOffset(2027, 3, 8, 9, 0, 0, TimeSpan.Zero), timers.Single(t => t.Step == TimerStep.Reminder).FireAt);
        spec.Fire(DeadlineKind.ProvisionEnd, TimerStep.EarlyReminder);
        Assert.Equal(new[] { "deadline-reminder" }, spec.Emails);
    }

    [Fact] // reported dates must be real
    public void Events_dated_in_the_future_or_before_the_referral_are_refused()
    {
        var spec = new JourneySpec().Given(Referral());
        spec.When(new Ucpr1Received(new DateOnly(2026, 3, 20)), At(2026, 3, 5)).ThenRejected(RejectionKind.BusinessRule);
        spec.When(new Ucpr1Received(new DateOnly(2026, 2, 20)), At(2026, 3, 5)).ThenRejected(RejectionKind.BusinessRule);
        Assert.Equal(DeadlineState.Pending, spec.Deadline(DeadlineKind.Ucpr1Chase).State);
    }
}
