using Ses.Domain.Journeys;
using Ses.Domain.Calendar;

namespace Ses.Journeys.Tests;

/// <summary>The rules of one orchestration step (ADR 009): deadlines due before a message fire first, each at its own time.</summary>
public sealed class JourneyStepTests
{
    [Fact]
    public void A_referral_is_decided_as_version_1_and_its_first_wake_up_is_the_UCPR1_chase_on_the_fourth_working_day()
    {
        var run = new JourneyRun("200123456", Given.Virtual);
        var plan = JourneyStep.Plan(run, Given.ReferralMessage(Given.Referral(), Given.London(3, 2, 10)), Given.London(3, 2, 10));

        Assert.Equal(ReplyOutcome.Applied, plan.Reply!.Outcome);
        Assert.Equal(1, plan.After!.Version);
        Assert.Single(plan.Decisions);
        Assert.Equal(LondonTime.At(new DateOnly(2026, 3, 6), new TimeOnly(9, 0)), plan.NextStepAt); // 13.14
    }

    [Fact]
    public void A_virtual_clock_wake_up_fires_each_step_due_by_then_at_its_own_time_and_names_the_emails()
    {
        var run = Given.Referred(Given.Virtual);
        var plan = JourneyStep.Plan(run, Given.Wake(run.JourneyId, Given.London(3, 7, 8)), DateTimeOffset.UtcNow);

        var fired = Assert.Single(plan.Decisions);
        Assert.Equal(LondonTime.At(new DateOnly(2026, 3, 6), new TimeOnly(9, 0)), fired.At);
        Assert.Contains(fired.Events, e => e is TimerFired { Kind: DeadlineKind.Ucpr1Chase });
        Assert.Equal(1, plan.Reply!.Fired);
        Assert.Equal(["200123456.n-00000002-000"], plan.Reply.Notifications);
        Assert.Equal(2, plan.After!.Version);
    }

    [Fact]
    public void A_wake_up_long_after_fires_every_step_on_the_way_in_order_and_stops_at_the_target()
    {
        var run = Given.Referred(Given.Virtual);
        var plan = JourneyStep.Plan(run, Given.Wake(run.JourneyId, Given.London(3, 31, 8)), DateTimeOffset.UtcNow);

        // chase (6 Mar), first-meeting reminder (12 Mar) and miss (end of 16 Mar), start reminder (26 Mar) and miss (end of 30 Mar)
        Assert.Equal(5, plan.Reply!.Fired);
        Assert.Equal(plan.Decisions.Select(d => d.At).Order(), plan.Decisions.Select(d => d.At));
        Assert.All(plan.Decisions, d => Assert.True(d.At <= Given.London(3, 31, 8)));
        Assert.Equal(Enumerable.Range(2, 5), plan.Decisions.Select(d => d.Version));
        Assert.True(plan.NextStepAt is null || plan.NextStepAt > Given.London(3, 31, 8));
    }

    [Fact]
    public void In_System_mode_an_event_after_a_deadline_that_has_not_fired_yet_first_fires_the_deadline()
    {
        var run = Given.Referred(Given.System);
        var at = Given.London(3, 7);
        var plan = JourneyStep.Plan(run, Given.Event(run.JourneyId, new Ucpr1Received(new DateOnly(2026, 3, 7)), at), at);

        Assert.Equal(2, plan.Decisions.Count);
        Assert.Contains(plan.Decisions[0].Events, e => e is TimerFired { Kind: DeadlineKind.Ucpr1Chase });
        Assert.Contains(plan.Decisions[1].Events, e => e is EventReported);
        Assert.Equal(ReplyOutcome.Applied, plan.Reply!.Outcome);
        Assert.Equal(3, plan.Reply.Version);
    }

    [Fact]
    public void With_the_virtual_clock_only_a_move_fires_deadlines_so_an_event_is_decided_alone()
    {
        var run = Given.Referred(Given.Virtual);
        var plan = JourneyStep.Plan(run, Given.Event(run.JourneyId, new Ucpr1Received(new DateOnly(2026, 3, 7)), Given.London(3, 7)), DateTimeOffset.UtcNow);

        var decided = Assert.Single(plan.Decisions);
        Assert.Contains(decided.Events, e => e is EventReported);
        Assert.DoesNotContain(decided.Events, e => e is TimerFired);
    }

    [Fact]
    public void In_System_mode_a_referral_received_after_its_first_deadline_fires_it_in_the_same_step()
    {
        var run = new JourneyRun("200123456", Given.System);
        var late = Given.London(3, 9, 10); // the chase was due at 09:00 on Friday 6 March
        var plan = JourneyStep.Plan(run, Given.ReferralMessage(Given.Referral(), late), late);

        Assert.Equal(2, plan.Decisions.Count);
        Assert.Contains(plan.Decisions[1].Events, e => e is TimerFired { Kind: DeadlineKind.Ucpr1Chase });
        Assert.Equal(1, plan.Reply!.Version); // the referral's own version; the chase came after it
    }

    [Fact]
    public void In_System_mode_a_step_fires_when_the_orchestration_runs_it_not_when_it_was_due()
    {
        var run = Given.Referred(Given.System);
        var late = Given.London(3, 6, 15);
        var plan = JourneyStep.Plan(run, null, late);

        Assert.Equal(late, Assert.Single(plan.Decisions).At);
        Assert.Null(plan.Reply);
    }

    [Fact]
    public void An_event_the_phase_does_not_allow_is_refused_with_the_allowed_events_and_decides_nothing()
    {
        var run = Given.Referred(Given.Virtual);
        var plan = JourneyStep.Plan(run, Given.Event(run.JourneyId, new Completed(new DateOnly(2026, 3, 3)), Given.London(3, 3)), DateTimeOffset.UtcNow);

        Assert.Empty(plan.Decisions);
        Assert.Equal(RejectionKind.NotAllowed, plan.Reply!.Rejection!.Kind);
        Assert.NotEmpty(plan.Reply.Rejection.AllowedEvents);
        Assert.Equal(run.State, plan.After);
    }

    [Fact]
    public void An_eventId_claims_its_key_and_a_retry_known_to_be_used_changes_nothing_while_another_event_under_it_conflicts()
    {
        var run = Given.Referred(Given.Virtual);
        var held = new PrapAcknowledged(new DateOnly(2026, 3, 3));
        var first = JourneyStep.Plan(run, Given.Event(run.JourneyId, held, Given.London(3, 3), "ack-1"), DateTimeOffset.UtcNow);
        Assert.Equal(("ack-1", EventKeys.Fingerprint(held), 2), first.EventKey);

        var retry = JourneyStep.Plan(run, Given.Event(run.JourneyId, held, Given.London(3, 3), "ack-1"), DateTimeOffset.UtcNow, previousUse: EventKeys.Fingerprint(held));
        Assert.Equal(ReplyOutcome.Unchanged, retry.Reply!.Outcome);
        Assert.Empty(retry.Decisions);

        var other = JourneyStep.Plan(run, Given.Event(run.JourneyId, new PrapAcknowledged(new DateOnly(2026, 3, 2)), Given.London(3, 3), "ack-1"),
            DateTimeOffset.UtcNow, previousUse: EventKeys.Fingerprint(held));
        Assert.Equal(RejectionKind.Conflict, other.Reply!.Rejection!.Kind);
    }

    [Fact]
    public void Only_a_closed_journey_is_purged()
    {
        var run = Given.Referred(Given.Virtual);
        var purge = new PurgeMessage { JourneyId = run.JourneyId, RequestId = "r", Now = Given.London(3, 3) };
        Assert.False(JourneyStep.Plan(run, purge, DateTimeOffset.UtcNow).Purge);

        var closed = JourneyStep.Plan(run, new TerminateMessage("test") { JourneyId = run.JourneyId, RequestId = "t", Now = Given.London(3, 3) }, DateTimeOffset.UtcNow);
        Assert.Equal(Phase.Closed, closed.After!.Phase);
        Assert.True(JourneyStep.Plan(run with { State = closed.After }, purge, DateTimeOffset.UtcNow).Purge);
    }
}
