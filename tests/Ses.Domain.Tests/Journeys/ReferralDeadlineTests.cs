using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

public sealed class ReferralDeadlineTests
{
    [Fact] // SPEC 3 example; 13.14, 13.17, 13.13
    public void A_UC_referral_on_Monday_2_March_2026_is_chased_on_Friday_6_met_by_Monday_16_and_started_by_Monday_30()
    {
        var spec = new JourneySpec().Given(Referral());
        Assert.Equal(Phase.Referred, spec.State.Phase);
        Assert.Equal(new DateOnly(2026, 3, 6), spec.Deadline(DeadlineKind.Ucpr1Chase).Due);
        Assert.Equal(new DateOnly(2026, 3, 16), spec.Deadline(DeadlineKind.FirstMeeting).Due);
        Assert.Equal(new DateOnly(2026, 3, 30), spec.Deadline(DeadlineKind.Start).Due);
        Assert.All(spec.State.Deadlines, d => Assert.Equal(DeadlineState.Pending, d.State));
    }

    [Fact] // 13.06, 13.14: only UC claimants (purchase order starting 2) send a UCPR1
    public void A_non_UC_referral_has_no_UCPR1_chase()
    {
        var spec = new JourneySpec().Given(Referral("100123456", benefit: Benefit.Esa));
        Assert.False(spec.State.UniversalCredit);
        Assert.DoesNotContain(spec.State.Deadlines, d => d.Kind == DeadlineKind.Ucpr1Chase);
    }

    [Fact] // SPEC 3: working days skip Good Friday and Easter Monday in England and Wales
    public void The_chase_of_a_referral_made_the_Thursday_before_Easter_skips_Good_Friday_and_Easter_Monday()
    {
        var spec = new JourneySpec().Given(Referral(date: new DateOnly(2026, 4, 2)));
        Assert.Equal(new DateOnly(2026, 4, 10), spec.Deadline(DeadlineKind.Ucpr1Chase).Due);
    }

    [Fact] // SPEC 3: Scotland has no Easter Monday holiday
    public void In_Scotland_Easter_Monday_is_a_working_day()
    {
        var spec = new JourneySpec().Given(Referral(date: new DateOnly(2026, 4, 2), region: Region.Scotland));
        Assert.Equal(new DateOnly(2026, 4, 9), spec.Deadline(DeadlineKind.Ucpr1Chase).Due);
    }

    [Fact]
    public void Receiving_the_same_referral_twice_is_a_conflict_and_changes_nothing()
    {
        var spec = new JourneySpec().Given(Referral());
        var before = spec.State;
        spec.When(new ReceiveReferral("200123456", Referral(), At(2026, 3, 2)));
        spec.ThenRejected(RejectionKind.Conflict);
        Assert.Same(before, spec.State);
    }

    [Fact] // 13.14, 13.67
    public void The_chase_fires_at_nine_on_the_fourth_working_day_and_emails_the_SPoC()
    {
        var spec = new JourneySpec().Given(Referral()).Fire(DeadlineKind.Ucpr1Chase).ThenAccepted();
        Assert.Equal(new[] { "ucpr1-chase" }, spec.Emails);
        Assert.Equal(Audience.Spoc, spec.Emitted<NotificationRequested>().Single().Audience);
        Assert.Equal(DeadlineState.Missed, spec.Deadline(DeadlineKind.Ucpr1Chase).State);
        var timer = TimerPlan.For(spec.Deadline(DeadlineKind.Ucpr1Chase), Region.EnglandAndWales, Rules.Calendar, new TimeOnly(9, 0)).Single();
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.Zero), timer.FireAt);
    }

    [Fact] // SPEC 4.4: a met deadline never fires afterwards, even if its timer was on its way
    public void A_UCPR1_received_before_the_chase_means_the_chase_timer_does_nothing()
    {
        var spec = new JourneySpec().Given(Referral())
            .Given(new Ucpr1Received(new DateOnly(2026, 3, 4)), At(2026, 3, 4));
        Assert.Equal(DeadlineState.Met, spec.Deadline(DeadlineKind.Ucpr1Chase).State);
        spec.Fire(DeadlineKind.Ucpr1Chase).ThenAccepted();
        Assert.Empty(spec.Last.Events);
    }

    [Fact] // an idempotency key identifies one event: a repeat is nothing, a different event under it is refused
    public void The_same_eventId_with_the_same_event_is_a_no_op_and_with_another_event_a_conflict()
    {
        var held = new Ucpr1Received(new DateOnly(2026, 3, 3));
        var spec = new JourneySpec().Given(Referral()).Given(held, At(2026, 3, 3), "e1");
        spec.When(new RecordEvent(held, "e1", At(2026, 3, 4), EventKeys.Fingerprint(held))).ThenAccepted();
        Assert.Empty(spec.Last.Events);
        spec.When(new RecordEvent(new PrapAcknowledged(new DateOnly(2026, 3, 3)), "e1", At(2026, 3, 4), EventKeys.Fingerprint(held)))
            .ThenRejected(RejectionKind.Conflict);
    }

    [Fact] // a retry of a closing event is answered as a retry, not refused because the journey has since closed
    public void A_repeated_eventId_on_a_closed_journey_is_a_no_op_not_a_rejection()
    {
        var withdrawn = new Withdrawn(new DateOnly(2026, 3, 3), "Moved away");
        var spec = new JourneySpec().Given(Referral()).Given(withdrawn, At(2026, 3, 3), "w1");
        spec.When(new RecordEvent(withdrawn, "w1", At(2026, 3, 4), EventKeys.Fingerprint(withdrawn))).ThenAccepted();
        Assert.Empty(spec.Last.Events);
    }

    [Fact]
    public void A_timer_delivered_twice_fires_once()
    {
        var spec = new JourneySpec().Given(Referral()).Fire(DeadlineKind.FirstMeeting, TimerStep.Reminder);
        Assert.Equal(new[] { "deadline-reminder" }, spec.Emails);
        spec.Fire(DeadlineKind.FirstMeeting, TimerStep.Reminder);
        Assert.Empty(spec.Last.Events);
    }

    [Fact] // 13.17: reminder 2 working days before; alert at the end of the due date
    public void First_meeting_is_reminded_two_working_days_before_and_missed_at_midnight_after_the_due_date()
    {
        var spec = new JourneySpec().Given(Referral());
        var timers = TimerPlan.For(spec.Deadline(DeadlineKind.FirstMeeting), Region.EnglandAndWales, Rules.Calendar, new TimeOnly(9, 0)).ToArray();
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero), timers.Single(t => t.Step == TimerStep.Reminder).FireAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.Zero), timers.Single(t => t.Step == TimerStep.Due).FireAt);
        spec.Fire(DeadlineKind.FirstMeeting);
        Assert.Equal(new[] { "deadline-missed" }, spec.Emails);
        Assert.Equal(DeadlineState.Missed, spec.Deadline(DeadlineKind.FirstMeeting).State);
    }

    [Fact] // SPEC 3: timers fire at London local times; 30 March 2026 is in BST
    public void The_start_reminder_in_British_Summer_Time_fires_at_eight_UTC()
    {
        var spec = new JourneySpec().Given(Referral(date: new DateOnly(2026, 3, 9)));
        var due = spec.Deadline(DeadlineKind.Start).Due;
        Assert.Equal(new DateOnly(2026, 4, 8), due); // 20 working days, skipping Good Friday and Easter Monday
        var reminder = TimerPlan.For(spec.Deadline(DeadlineKind.Start), Region.EnglandAndWales, Rules.Calendar, new TimeOnly(9, 0))
            .Single(t => t.Step == TimerStep.Reminder);
        Assert.Equal(new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero), reminder.FireAt);
    }

    [Fact] // 13.76-13.78: SCR details never go to external inboxes
    public void An_SCR_journey_creates_a_nominated_officer_task_instead_of_the_chase_email()
    {
        var spec = new JourneySpec().Given(Referral(channel: Channel.Scr)).Fire(DeadlineKind.Ucpr1Chase);
        Assert.Empty(spec.Emails);
        Assert.Equal("nominated-officer", spec.Emitted<TaskCreated>().Single().Task);
        Assert.Contains(spec.State.Tasks, t => t.Task == "nominated-officer" && t.Assignee == TaskAssignee.NominatedOfficer); // 13.77
        Assert.True(spec.State.Restricted);
    }
}
