using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>SPEC 5: tasks can be completed by ID; SPEC 5.1: every history entry records its actor.</summary>
public sealed class TaskAndActorTests
{
    private static readonly Actor Staff = new("provider-a-staff", "provider");

    private static JourneySpec NotSuitable() => new JourneySpec().Given(Referral())
        .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 5), Recommendation.NotSuitable, Reason: "health"), At(2026, 3, 5));

    [Fact] // 13.31: the SPoC call comes after the not-suitable closure, so a closed journey's task can still be completed
    public void A_task_of_a_closed_journey_can_be_completed_once()
    {
        var spec = NotSuitable();
        Assert.Equal(Phase.Closed, spec.State.Phase);
        var call = spec.State.Tasks.Single(t => t.Task == "telephone-spoc");
        spec.When(new CompleteTask(call.TaskId, null, At(2026, 3, 6)) { By = Staff }).ThenAccepted();
        Assert.Equal(Staff, spec.State.Tasks.Single().CompletedBy);
        spec.When(new CompleteTask(call.TaskId, null, At(2026, 3, 7)) { By = Staff }).ThenAccepted();
        Assert.Empty(spec.Last.Events); // completing again changes nothing
        Assert.Equal(At(2026, 3, 6), spec.State.Tasks.Single().CompletedAt);
    }

    [Fact]
    public void Completing_a_task_the_journey_does_not_have_is_not_found() =>
        NotSuitable().When(new CompleteTask("t9", null, At(2026, 3, 6))).ThenRejected(RejectionKind.NotFound);

    [Fact] // 13.01: a Leaver Report task on leaving, numbered after the earlier ones
    public void Task_ids_count_up_over_the_journey()
    {
        var spec = NotSuitable();
        Assert.Equal(spec.State.Tasks.Select((_, i) => $"t{i + 1}"), spec.State.Tasks.Select(t => t.TaskId));
    }

    [Fact] // SPEC 5.1: the actor of the command is on every event it caused; timers are "system"
    public void Every_event_carries_the_actor_of_its_command_and_timers_are_system()
    {
        var spec = new JourneySpec().Given(Referral());
        spec.When(new RecordEvent(new InitialAssessmentHeld(new DateOnly(2026, 3, 5), Recommendation.Main), null, At(2026, 3, 5)) { By = Staff })
            .ThenAccepted();
        Assert.All(spec.Last.Events, e => Assert.Equal(Staff, e.By));
        spec.Fire(DeadlineKind.Ucpr1Chase);
        Assert.NotEmpty(spec.Last.Events);
        Assert.All(spec.Last.Events, e => Assert.Equal(Actor.System, e.By));
    }
}
