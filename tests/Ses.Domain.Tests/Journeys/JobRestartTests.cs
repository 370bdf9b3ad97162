using Ses.Domain.Journeys;
using Ses.Domain.Outcomes;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>6.03, SPEC 4.6: after job-ended, a new job within the remaining break allowance continues the same tracking.</summary>
public sealed class JobRestartTests
{
    private static JourneySpec Ended() => new JourneySpec()
        .Given(Referral())
        .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
        .Given(new Started(new DateOnly(2026, 3, 20)), At(2026, 3, 20))
        .Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8))
        .Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11))
        .Fire(DeadlineKind.ShortOutcome)
        .Given(new JobEnded(new DateOnly(2026, 9, 30)), At(2026, 10, 1));

    [Fact] // 6.03: a 13-day gap (1-13 October) is a break within 4 weeks; the outcome comes 13 days after 9 November
    public void A_new_job_within_the_break_allowance_continues_the_outcome_tracking()
    {
        var spec = Ended().When(new JobStarted(new DateOnly(2026, 10, 14), 30, Employer: "Next Ltd"), At(2026, 10, 14)).ThenAccepted();
        Assert.Equal(Phase.InWork, spec.State.Phase);
        Assert.Equal(OutcomeState.Pending, spec.State.SustainedOutcome.State);
        Assert.Equal(new DateOnly(2026, 11, 22), spec.Deadline(DeadlineKind.SustainedOutcome).Due);
        spec.Fire(DeadlineKind.SustainedOutcome);
        Assert.Equal(OutcomeState.Achieved, spec.State.SustainedOutcome.State);
        Assert.Equal(new DateOnly(2026, 11, 22), spec.State.SustainedOutcome.On);
        Assert.Contains("13 days", spec.State.SustainedOutcome.Reason);
    }

    [Theory] // 6.03: breaks totalling no more than 4 weeks: a start on 29 October leaves a 28-day break, 30 October 29 days
    [InlineData(29, OutcomeState.Pending)]
    [InlineData(30, OutcomeState.NotAchieved)]
    public void The_last_day_a_new_job_can_start_is_when_the_break_reaches_28_days(int day, OutcomeState expected)
    {
        var spec = Ended().When(new JobStarted(new DateOnly(2026, 10, day), 20), At(2026, 10, day)).ThenAccepted();
        Assert.Equal(expected, spec.State.SustainedOutcome.State);
        if (expected == OutcomeState.NotAchieved)
        {
            Assert.Contains("2026-10-29", spec.State.SustainedOutcome.Reason);
            Assert.Equal(Closure.OutcomeComplete, spec.State.Closure);
        }
    }

    [Fact] // 6.02: the new job needs 16 hours a week too
    public void A_new_job_below_16_hours_loses_the_sustained_outcome()
    {
        var spec = Ended().When(new JobStarted(new DateOnly(2026, 10, 5), 10), At(2026, 10, 5)).ThenAccepted();
        Assert.Equal(OutcomeState.NotAchieved, spec.State.SustainedOutcome.State);
        Assert.Contains("6.02", spec.State.SustainedOutcome.Reason);
    }

    [Fact] // a second job needs the first to have ended
    public void A_job_start_while_still_in_the_first_job_is_not_allowed()
    {
        var spec = Ended();
        var inJob = new JourneySpec()
            .Given(Referral())
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
            .Given(new Started(new DateOnly(2026, 3, 20)), At(2026, 3, 20))
            .Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8))
            .Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11));
        inJob.When(new JobStarted(new DateOnly(2026, 6, 1), 20), At(2026, 6, 1)).ThenRejected(RejectionKind.NotAllowed);
        spec.When(new JobStarted(new DateOnly(2026, 9, 30), 20), At(2026, 10, 2)).ThenRejected(RejectionKind.BusinessRule);
    }
}
