using Ses.Domain.Journeys;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>ISP reviews "at agreed intervals" (4.09, 4.12), and the working-day rule of docs/adr/004.</summary>
public sealed class IspReviewTests
{
    private static JourneySpec OnProvision() => new JourneySpec()
        .Given(Referral())
        .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
        .Given(new Started(new DateOnly(2026, 3, 20)), At(2026, 3, 20));

    [Fact] // 4.09, 4.12: the review periods are agreed in advance and keep recurring, missed or not
    public void A_missed_review_still_schedules_the_next_one_at_the_agreed_interval()
    {
        var spec = OnProvision().Given(new IspAgreed(new DateOnly(2026, 3, 24), 2), At(2026, 3, 24));
        Assert.Equal(new DateOnly(2026, 4, 7), spec.Deadline(DeadlineKind.IspReview).Due);
        spec.Fire(DeadlineKind.IspReview).ThenAccepted();
        Assert.Equal(new[] { "deadline-missed" }, spec.Emails);
        var reviews = spec.State.Deadlines.Where(d => d.Kind == DeadlineKind.IspReview).ToArray();
        Assert.Equal(DeadlineState.Missed, reviews[0].State);
        Assert.Equal(new DateOnly(2026, 4, 21), spec.State.Pending(DeadlineKind.IspReview)!.Due);
        spec.Fire(DeadlineKind.IspReview).ThenAccepted();
        Assert.Equal(new DateOnly(2026, 5, 5), spec.State.Pending(DeadlineKind.IspReview)!.Due);
    }

    [Fact] // docs/adr/004: a review due on a Saturday moves to the Monday; its reminder is the Friday before, at the reminder time
    public void A_review_falling_on_a_Saturday_is_due_on_the_Monday_and_reminded_on_the_Friday()
    {
        var spec = OnProvision().Given(new IspAgreed(new DateOnly(2026, 3, 28), 4), At(2026, 3, 28)); // a Saturday + 4 weeks
        var review = spec.Deadline(DeadlineKind.IspReview);
        Assert.Equal(new DateOnly(2026, 4, 27), review.Due);
        var reminder = TimerPlan.For(review, spec.State.Referral.Region, Rules.Calendar, new TimeOnly(9, 0)).Single(t => t.Step == TimerStep.Reminder);
        Assert.Equal(At(2026, 4, 24, 9), reminder.FireAt);
    }

    [Fact] // docs/adr/004: the early May bank holiday 2026 (4 May) is not a working day in England and Wales
    public void A_review_falling_on_a_bank_holiday_moves_to_the_next_working_day()
    {
        var spec = OnProvision().Given(new IspAgreed(new DateOnly(2026, 4, 6), 4), At(2026, 4, 6));
        Assert.Equal(new DateOnly(2026, 5, 5), spec.Deadline(DeadlineKind.IspReview).Due);
        var reminder = TimerPlan.For(spec.Deadline(DeadlineKind.IspReview), spec.State.Referral.Region, Rules.Calendar, new TimeOnly(9, 0))
            .Single(t => t.Step == TimerStep.Reminder);
        Assert.Equal(At(2026, 5, 1, 9), reminder.FireAt);
    }

    [Fact] // 4.12: a review held late is still the review; the next counts from it
    public void A_late_review_clears_the_missed_one_and_schedules_from_the_review_date()
    {
        var spec = OnProvision().Given(new IspAgreed(new DateOnly(2026, 3, 24), 2), At(2026, 3, 24)).Fire(DeadlineKind.IspReview);
        Assert.True(spec.State.IsOverdue(At(2026, 4, 9)));
        spec.Given(new IspReviewed(new DateOnly(2026, 4, 9)), At(2026, 4, 9));
        Assert.False(spec.State.IsOverdue(At(2026, 4, 9)));
        Assert.Equal(new DateOnly(2026, 4, 23), spec.State.Pending(DeadlineKind.IspReview)!.Due);
    }

    [Fact] // 4.04 and docs/adr/004: provision ending on a Saturday is reminded on the Fridays before, never on a weekend
    public void Provision_end_reminders_that_fall_on_a_weekend_fire_on_the_working_day_before()
    {
        var spec = new JourneySpec().Given(Referral())
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
            .Given(new Started(new DateOnly(2026, 3, 21)), At(2026, 3, 21)); // a Saturday
        var end = spec.Deadline(DeadlineKind.ProvisionEnd);
        Assert.Equal(new DateOnly(2027, 3, 20), end.Due); // 52 weeks, a Saturday: the contractual date stays
        var timers = TimerPlan.For(end, spec.State.Referral.Region, Rules.Calendar, new TimeOnly(9, 0)).ToDictionary(t => t.Step, t => t.FireAt);
        Assert.Equal(At(2027, 2, 19, 9), timers[TimerStep.EarlyReminder]);
        Assert.Equal(At(2027, 3, 19, 9), timers[TimerStep.Reminder]);
    }
}
