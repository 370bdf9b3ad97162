using Ses.Domain.Journeys;
using Ses.Domain.Outcomes;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>SPEC 4.6: each decision is recorded with its reason, achieved ones included; a closure decides what is pending.</summary>
public sealed class OutcomeReasonTests
{
    private static JourneySpec Tracking() => new JourneySpec()
        .Given(Referral())
        .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
        .Given(new Started(new DateOnly(2026, 3, 20)), At(2026, 3, 20))
        .Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8));

    [Fact] // 6.02, 6.03
    public void Achieved_outcomes_are_recorded_with_their_reason()
    {
        var spec = Tracking().Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11)).Fire(DeadlineKind.ShortOutcome);
        Assert.Equal(OutcomeState.Achieved, spec.State.ShortOutcome.State);
        Assert.Contains("6.02", spec.State.ShortOutcome.Reason);
        spec.Fire(DeadlineKind.SustainedOutcome);
        Assert.Equal(OutcomeState.Achieved, spec.State.SustainedOutcome.State);
        Assert.Contains("6.03", spec.State.SustainedOutcome.Reason);
    }

    [Fact] // 6.04: no job in the 6-week tracking period closes the journey, and with it both outcomes
    public void No_job_in_the_tracking_period_decides_both_outcomes_not_achieved_with_the_closure_as_reason()
    {
        var spec = Tracking().Fire(DeadlineKind.TrackingWindow);
        Assert.Equal(Closure.NoJobInTrackingPeriod, spec.State.Closure);
        Assert.Equal(OutcomeState.NotAchieved, spec.State.ShortOutcome.State);
        Assert.Equal(OutcomeState.NotAchieved, spec.State.SustainedOutcome.State);
        Assert.Contains("no-job-in-tracking-period", spec.State.ShortOutcome.Reason);
        Assert.Contains("6.04", spec.State.SustainedOutcome.Reason);
    }

    [Fact] // 6.05: moved to other provision, no later outcome
    public void Moving_to_other_provision_decides_both_outcomes_not_achieved()
    {
        var spec = Tracking().Given(new MovedToOtherProvision(new DateOnly(2026, 5, 12)), At(2026, 5, 12));
        Assert.Equal(OutcomeState.NotAchieved, spec.State.ShortOutcome.State);
        Assert.Contains("moved-to-other-provision", spec.State.SustainedOutcome.Reason);
    }

    [Fact] // SPEC 4.5: withdrawal is voluntary; the reason given is kept in the outcome's reason
    public void A_withdrawal_decides_both_outcomes_with_its_reason()
    {
        var spec = new JourneySpec().Given(Referral()).Given(new Withdrawn(new DateOnly(2026, 3, 3), "moved abroad"), At(2026, 3, 3));
        Assert.Equal(OutcomeState.NotAchieved, spec.State.ShortOutcome.State);
        Assert.Contains("withdrawn", spec.State.ShortOutcome.Reason);
        Assert.Contains("moved abroad", spec.State.SustainedOutcome.Reason);
    }

    [Fact] // SPEC 4.6: decisions never change afterwards, so a closure after a decided outcome leaves it alone
    public void An_operator_termination_in_work_keeps_the_achieved_short_outcome()
    {
        var spec = Tracking().Given(new JobStarted(new DateOnly(2026, 5, 11), 20), At(2026, 5, 11)).Fire(DeadlineKind.ShortOutcome)
            .When(new Terminate("duplicate record", At(2026, 8, 20))).ThenAccepted();
        Assert.Equal(OutcomeState.Achieved, spec.State.ShortOutcome.State);
        Assert.Equal(OutcomeState.NotAchieved, spec.State.SustainedOutcome.State);
        Assert.Single(spec.Emitted<OutcomeDecided>());
        Assert.Contains("duplicate record", spec.State.SustainedOutcome.Reason);
    }
}
