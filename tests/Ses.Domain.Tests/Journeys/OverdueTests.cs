using Ses.Domain.Journeys;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>SPEC 4.4: the one definition of overdue, <see cref="Journey.IsOverdue"/>.</summary>
public sealed class OverdueTests
{
    [Fact] // 13.17: the first meeting is due by the end of Monday 16 March 2026
    public void A_pending_deadline_is_overdue_only_once_its_due_time_has_passed()
    {
        var spec = new JourneySpec().Given(Referral(referralId: "100123456", benefit: Ses.Domain.Referrals.Benefit.Esa));
        Assert.Equal(new DateOnly(2026, 3, 16), spec.Deadline(DeadlineKind.FirstMeeting).Due);
        Assert.False(spec.State.IsOverdue(At(2026, 3, 16, 23)));
        Assert.True(spec.State.IsOverdue(At(2026, 3, 17, 1)));
    }

    [Fact] // 13.13: start missed, then the participant started late: the work is done, no longer overdue
    public void A_missed_start_stops_being_overdue_when_the_participant_starts_late()
    {
        var spec = new JourneySpec().Given(Referral())
            .Given(new Ucpr1Received(new DateOnly(2026, 3, 3)), At(2026, 3, 3))
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
            .Fire(DeadlineKind.Start);
        Assert.Equal(DeadlineState.Missed, spec.Deadline(DeadlineKind.Start).State);
        Assert.True(spec.State.IsOverdue(At(2026, 4, 2)));
        spec.Given(new Started(new DateOnly(2026, 4, 2)), At(2026, 4, 2));
        Assert.Equal(DeadlineState.Missed, spec.Deadline(DeadlineKind.Start).State); // the record of the miss stays
        Assert.False(spec.State.IsOverdue(At(2026, 4, 2, 13)));
    }

    [Fact] // 13.13 and 13.17: started after the start deadline but before its timer fired: missed, yet done
    public void A_start_recorded_late_before_its_timer_is_missed_but_not_overdue()
    {
        var spec = new JourneySpec().Given(Referral())
            .Given(new Ucpr1Received(new DateOnly(2026, 3, 3)), At(2026, 3, 3))
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
            .Given(new Started(new DateOnly(2026, 3, 31)), At(2026, 3, 31));
        Assert.Equal(DeadlineState.Missed, spec.Deadline(DeadlineKind.Start).State);
        Assert.False(spec.State.IsOverdue(At(2026, 3, 31, 13)));
    }

    [Fact] // 13.14: the UCPR1 chase was missed; a duplicate UCPR1 arriving clears it
    public void A_missed_UCPR1_chase_clears_when_the_UCPR1_arrives()
    {
        var spec = new JourneySpec().Given(Referral()).Fire(DeadlineKind.Ucpr1Chase);
        Assert.True(spec.State.IsOverdue(At(2026, 3, 6, 10)));
        spec.Given(new Ucpr1Received(new DateOnly(2026, 3, 9)), At(2026, 3, 9));
        Assert.False(spec.State.IsOverdue(At(2026, 3, 9, 13)));
    }

    [Fact] // 13.14: once the participant has started, the UCPR1 chase no longer matters (its pending deadline would be cancelled)
    public void A_missed_UCPR1_chase_stops_counting_when_the_participant_starts()
    {
        var spec = new JourneySpec().Given(Referral()).Fire(DeadlineKind.Ucpr1Chase)
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 9), Recommendation.Main), At(2026, 3, 9))
            .Given(new Started(new DateOnly(2026, 3, 10)), At(2026, 3, 10));
        Assert.Equal(DeadlineState.Missed, spec.Deadline(DeadlineKind.Ucpr1Chase).State);
        Assert.False(spec.State.IsOverdue(At(2026, 3, 10, 13)));
    }

    [Fact] // SPEC 4.4: a closed journey is never overdue
    public void A_closed_journey_is_not_overdue_even_with_a_missed_deadline()
    {
        var spec = new JourneySpec().Given(Referral()).Fire(DeadlineKind.Ucpr1Chase)
            .Given(new Withdrawn(new DateOnly(2026, 3, 9)), At(2026, 3, 9));
        Assert.False(spec.State.IsOverdue(At(2026, 6, 1)));
    }
}
