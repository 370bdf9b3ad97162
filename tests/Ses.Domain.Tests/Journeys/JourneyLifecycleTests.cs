using Ses.Domain.Journeys;
using Ses.Domain.Outcomes;
using Ses.Domain.Referrals;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

public sealed class JourneyLifecycleTests
{
    private static JourneySpec OnProvision(DateOnly? start = null) => new JourneySpec()
        .Given(Referral())
        .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
        .Given(new Started(start ?? new DateOnly(2026, 3, 20)), At(2026, 3, 20));

    [Fact] // 13.17, 13.21
    public void An_assessment_held_in_time_meets_the_first_meeting_and_sends_UC452_part_6()
    {
        var spec = new JourneySpec().Given(Referral())
            .When(new InitialAssessmentHeld(new DateOnly(2026, 3, 16), Recommendation.Main), At(2026, 3, 16)).ThenAccepted();
        Assert.Equal(Phase.Assessed, spec.State.Phase);
        Assert.Equal(DeadlineState.Met, spec.Deadline(DeadlineKind.FirstMeeting).State);
        Assert.Equal(new[] { "uc452-part6" }, spec.Emails);
    }

    [Fact] // 13.22, 13.31
    public void Not_suitable_closes_the_journey_with_UC452_part_7_and_a_call_to_the_SPoC()
    {
        var spec = new JourneySpec().Given(Referral())
            .When(new InitialAssessmentHeld(new DateOnly(2026, 3, 5), Recommendation.NotSuitable, Reason: "health"), At(2026, 3, 5));
        Assert.Equal(Phase.Closed, spec.State.Phase);
        Assert.Equal(Closure.NotSuitable, spec.State.Closure);
        Assert.Equal(new[] { "uc452-part7" }, spec.Emails);
        Assert.Contains(spec.Emitted<TaskCreated>(), t => t.Task == "telephone-spoc");
        Assert.Equal(DeadlineState.Met, spec.Deadline(DeadlineKind.FirstMeeting).State);
        Assert.Equal(DeadlineState.Cancelled, spec.Deadline(DeadlineKind.Start).State);
        Assert.DoesNotContain(spec.State.Deadlines, d => d.State == DeadlineState.Pending);
    }

    [Fact] // 13.17: the meeting may be booked late, but staff are warned
    public void Booking_the_assessment_after_the_first_meeting_deadline_warns()
    {
        var spec = new JourneySpec().Given(Referral())
            .When(new InitialAssessmentBooked(new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 17)), At(2026, 3, 3)).ThenAccepted();
        Assert.Single(spec.Emitted<WarningRaised>());
    }

    [Fact] // 13.13, 4.04, 4.05
    public void Starting_in_time_meets_the_start_deadline_and_schedules_the_ISP_and_52_weeks_of_provision()
    {
        var spec = OnProvision();
        Assert.Equal(Phase.OnProvision, spec.State.Phase);
        Assert.Equal(DeadlineState.Met, spec.Deadline(DeadlineKind.Start).State);
        Assert.Equal(new DateOnly(2026, 3, 27), spec.Deadline(DeadlineKind.IspAgreed).Due);
        Assert.Equal(new DateOnly(2027, 3, 19), spec.Deadline(DeadlineKind.ProvisionEnd).Due);
    }

    [Fact] // 13.13: a start after the 20th working day does not meet the target
    public void A_late_start_marks_the_start_deadline_missed()
    {
        var spec = new JourneySpec().Given(Referral())
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
            .Given(new Started(new DateOnly(2026, 3, 31)), At(2026, 3, 31));
        Assert.Equal(DeadlineState.Missed, spec.Deadline(DeadlineKind.Start).State);
    }

    [Fact] // 4.09, 4.12
    public void An_agreed_ISP_schedules_reviews_at_the_agreed_interval()
    {
        var spec = OnProvision().Given(new IspAgreed(new DateOnly(2026, 3, 25), 4), At(2026, 3, 25));
        Assert.Equal(DeadlineState.Met, spec.Deadline(DeadlineKind.IspAgreed).State);
        Assert.Equal(new DateOnly(2026, 4, 22), spec.Deadline(DeadlineKind.IspReview).Due);
        spec.Given(new IspReviewed(new DateOnly(2026, 4, 20)), At(2026, 4, 20));
        Assert.Equal(new DateOnly(2026, 5, 18), spec.State.Pending(DeadlineKind.IspReview)!.Due);
        Assert.Equal(2, spec.State.Deadlines.Count(d => d.Kind == DeadlineKind.IspReview));
    }

    [Fact] // 13.36, 13.03, 13.01
    public void Leaving_early_starts_tracking_with_UC452_part_8a_and_the_exit_note()
    {
        var spec = OnProvision().When(new LeftEarly(new DateOnly(2026, 6, 1), "moved away"), At(2026, 6, 1));
        Assert.Equal(Phase.Tracking, spec.State.Phase);
        Assert.Equal(new[] { "uc452-part8a", "customer-exit-note" }, spec.Emails);
        Assert.Contains(spec.Emitted<TaskCreated>(), t => t.Task == "leaver-report");
        Assert.Equal(new DateOnly(2026, 7, 13), spec.Deadline(DeadlineKind.TrackingWindow).Due);
        Assert.Equal(DeadlineState.Met, spec.Deadline(DeadlineKind.ProvisionEnd).State);
    }

    [Fact] // 13.37
    public void Completing_sends_UC452_part_8b()
    {
        var spec = OnProvision().When(new Completed(new DateOnly(2026, 6, 1)), At(2026, 6, 1));
        Assert.Equal(new[] { "uc452-part8b", "customer-exit-note" }, spec.Emails);
    }

    [Theory] // 6.02, 6.04: day 42 after leaving counts, day 43 does not; before leaving is not allowed either
    [InlineData(0, true)]
    [InlineData(42, true)]
    [InlineData(43, false)]
    [InlineData(-1, false)]
    public void A_job_may_start_from_the_provision_end_to_42_days_after(int daysAfterLeaving, bool accepted)
    {
        var left = new DateOnly(2026, 6, 1);
        var spec = OnProvision().Given(new LeftEarly(left), At(2026, 6, 1));
        var before = spec.State;
        spec.When(new JobStarted(left.AddDays(daysAfterLeaving), 20), At(2026, 8, 1));
        if (accepted)
        {
            spec.ThenAccepted();
            Assert.Equal(Phase.InWork, spec.State.Phase);
        }
        else
        {
            spec.ThenRejected(RejectionKind.BusinessRule);
            Assert.Same(before, spec.State);
        }
    }

    [Fact] // 6.04
    public void No_job_by_the_end_of_the_tracking_window_closes_the_journey()
    {
        var spec = OnProvision().Given(new LeftEarly(new DateOnly(2026, 6, 1)), At(2026, 6, 1)).Fire(DeadlineKind.TrackingWindow);
        Assert.Equal(Closure.NoJobInTrackingPeriod, spec.State.Closure);
    }

    [Fact] // 6.05
    public void Moving_to_other_provision_closes_without_outcome()
    {
        var spec = OnProvision().Given(new LeftEarly(new DateOnly(2026, 6, 1)), At(2026, 6, 1))
            .Given(new MovedToOtherProvision(new DateOnly(2026, 6, 10)), At(2026, 6, 10));
        Assert.Equal(Closure.MovedToOtherProvision, spec.State.Closure);
        Assert.Equal(DeadlineState.Cancelled, spec.Deadline(DeadlineKind.TrackingWindow).State);
    }

    [Fact] // SPEC 4.6 example: job start 11 May 2026, nothing against it: short on 10 August, sustained on 9 November
    public void A_job_with_nothing_against_it_achieves_both_outcomes_and_closes()
    {
        var spec = OnProvision().Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8))
            .Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11));
        Assert.Equal(new DateOnly(2026, 8, 10), spec.Deadline(DeadlineKind.ShortOutcome).Due);
        spec.Fire(DeadlineKind.ShortOutcome);
        Assert.Equal(OutcomeState.Achieved, spec.State.ShortOutcome.State);
        Assert.Equal(new DateOnly(2026, 8, 10), spec.State.ShortOutcome.On);
        Assert.Equal(new[] { "outcome-decided" }, spec.Emails);
        spec.Fire(DeadlineKind.SustainedOutcome);
        Assert.Equal(OutcomeState.Achieved, spec.State.SustainedOutcome.State);
        Assert.Equal(new DateOnly(2026, 11, 9), spec.State.SustainedOutcome.On);
        Assert.Equal(Closure.OutcomeComplete, spec.State.Closure);
    }

    [Fact] // SPEC 4.6 example: one 14-day break defers the sustained outcome by 14 days (6.03)
    public void A_fourteen_day_break_defers_the_sustained_checkpoint_by_fourteen_days()
    {
        var spec = OnProvision().Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8))
            .Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11))
            .Fire(DeadlineKind.ShortOutcome)
            .Given(new EmploymentBreak(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 14)), At(2026, 9, 15));
        Assert.Equal(new DateOnly(2026, 11, 23), spec.State.Pending(DeadlineKind.SustainedOutcome)!.Due);
        spec.Fire(DeadlineKind.SustainedOutcome);
        Assert.Equal(new DateOnly(2026, 11, 23), spec.State.SustainedOutcome.On);
    }

    [Fact] // 6.03: the short outcome is decided first even when the sustained timer arrives first (both overdue)
    public void A_sustained_checkpoint_that_fires_before_the_short_one_decides_both_in_order()
    {
        var spec = OnProvision().Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8))
            .Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11))
            .Fire(DeadlineKind.SustainedOutcome, at: At(2026, 12, 1));
        Assert.Equal(new DateOnly(2026, 8, 10), spec.State.ShortOutcome.On);
        Assert.Equal(new DateOnly(2026, 11, 9), spec.State.SustainedOutcome.On);
        Assert.Equal(new[] { "outcome-decided", "outcome-decided" }, spec.Emails);
        Assert.Equal(Closure.OutcomeComplete, spec.State.Closure);
        spec.Fire(DeadlineKind.ShortOutcome, at: At(2026, 12, 1));
        Assert.Empty(spec.Last.Events);
    }

    [Fact] // SPEC 4.6, 6.03: after job-ended the outcome is lost only once no new job can start within the 28-day break allowance
    public void A_job_ending_after_the_short_outcome_decides_the_sustained_outcome_when_the_break_allowance_runs_out()
    {
        var spec = OnProvision().Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8))
            .Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11))
            .Fire(DeadlineKind.ShortOutcome)
            .When(new JobEnded(new DateOnly(2026, 9, 30)), At(2026, 10, 1)).ThenAccepted();
        Assert.Equal(OutcomeState.Achieved, spec.State.ShortOutcome.State);
        Assert.Equal(OutcomeState.Pending, spec.State.SustainedOutcome.State);
        // A break from 1 October: 28 days run to 28 October, so a job may start up to 29 October; the check is on the 30th.
        Assert.Equal(new DateOnly(2026, 10, 30), spec.Deadline(DeadlineKind.SustainedOutcome).Due);
        spec.Fire(DeadlineKind.SustainedOutcome).ThenAccepted();
        Assert.Equal(OutcomeState.NotAchieved, spec.State.SustainedOutcome.State);
        Assert.Contains("2026-09-30", spec.State.SustainedOutcome.Reason);
        Assert.Equal(Closure.OutcomeComplete, spec.State.Closure);
    }

    [Fact] // 6.03: breaks within 28 days only defer; the outcome stays open
    public void A_short_break_after_the_short_outcome_leaves_the_sustained_outcome_pending()
    {
        var spec = OnProvision().Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8))
            .Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11))
            .Fire(DeadlineKind.ShortOutcome)
            .Given(new EmploymentBreak(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 28)), At(2026, 9, 29));
        Assert.Equal(OutcomeState.Pending, spec.State.SustainedOutcome.State);
        Assert.Equal(Phase.InWork, spec.State.Phase);
    }

    [Fact] // 6.02, 6.03: no short outcome means no sustained outcome either
    public void Hours_below_sixteen_lose_both_outcomes_at_the_short_checkpoint()
    {
        var spec = OnProvision().Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8))
            .Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11))
            .Given(new HoursChanged(new DateOnly(2026, 6, 1), 15), At(2026, 6, 1))
            .Fire(DeadlineKind.ShortOutcome);
        Assert.Equal(OutcomeState.NotAchieved, spec.State.ShortOutcome.State);
        Assert.Equal(OutcomeState.NotAchieved, spec.State.SustainedOutcome.State);
        Assert.Equal(Closure.OutcomeComplete, spec.State.Closure);
        Assert.Empty(spec.Emails);
    }
}
