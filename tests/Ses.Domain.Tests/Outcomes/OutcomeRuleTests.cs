using FsCheck;
using FsCheck.Xunit;
using Ses.Domain.Outcomes;

namespace Ses.Domain.Tests.Outcomes;

/// <summary>Chapter 6 (6.02-6.04) and 13.05 as pure rules over employment facts.</summary>
public sealed class OutcomeRuleTests
{
    private static readonly DateOnly Start = new(2026, 5, 11);
    private static EmploymentFacts Job(decimal hours = 20) => EmploymentFacts.Start(Start, hours, startedInsideTrackingWindow: true);
    private static readonly DateOnly Late = new(2027, 6, 1);

    /// <summary>SPEC 4.6: an achieved decision is recorded with its reason too.</summary>
    private static void AssertAchieved(DateOnly on, OutcomeDecision decision)
    {
        Assert.Equal(OutcomeState.Achieved, decision.State);
        Assert.Equal(on, decision.On);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    private static OutcomeDecision Short(EmploymentFacts facts) => OutcomeRules.DecideShort(facts, Late);
    private static OutcomeDecision Sustained(EmploymentFacts facts) => OutcomeRules.DecideSustained(facts, Short(facts), Late);

    [Fact] // SPEC 4.6 example
    public void A_job_started_on_11_May_2026_with_nothing_against_it_achieves_on_10_August_and_9_November()
    {
        AssertAchieved(new DateOnly(2026, 8, 10), Short(Job()));
        AssertAchieved(new DateOnly(2026, 11, 9), Sustained(Job()));
    }

    [Fact] // SPEC 4.6 example: one 14-day break, 1 to 14 June inclusive
    public void One_fourteen_day_break_after_the_short_outcome_defers_the_sustained_outcome_by_fourteen_days()
    {
        var facts = Job().WithBreak(new DateRange(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 14)));
        AssertAchieved(new DateOnly(2026, 11, 23), Sustained(facts));
        Assert.Equal(new DateOnly(2026, 11, 23), OutcomeRules.NextSustainedCheck(facts));
    }

    [Fact] // 6.02: no break in employment for the short outcome
    public void A_break_inside_the_first_13_weeks_loses_the_short_outcome_and_so_the_sustained()
    {
        var facts = Job().WithBreak(new DateRange(new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 14)));
        Assert.Equal(OutcomeState.NotAchieved, Short(facts).State);
        Assert.Equal(OutcomeState.NotAchieved, Sustained(facts).State);
    }

    [Theory] // 6.03: breaks totalling no more than 4 weeks
    [InlineData(28, OutcomeState.Achieved)]
    [InlineData(29, OutcomeState.NotAchieved)]
    public void Breaks_of_28_days_are_tolerated_but_29_are_not(int days, OutcomeState expected)
    {
        var from = new DateOnly(2026, 9, 1);
        var facts = Job().WithBreak(new DateRange(from, from.AddDays(days - 1)));
        var decision = Sustained(facts);
        Assert.Equal(expected, decision.State);
        if (expected == OutcomeState.Achieved) Assert.Equal(OutcomeRules.SustainedFinal(Start), decision.On);
    }

    [Fact]
    public void Overlapping_breaks_count_each_day_once()
    {
        var facts = Job()
            .WithBreak(new DateRange(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 20)))
            .WithBreak(new DateRange(new DateOnly(2026, 9, 10), new DateOnly(2026, 9, 28)));
        AssertAchieved(new DateOnly(2026, 12, 7), Sustained(facts)); // 28 distinct days
    }

    [Theory] // 6.02: at least 16 hours a week
    [InlineData(16, OutcomeState.Achieved)]
    [InlineData(15.9, OutcomeState.NotAchieved)]
    public void Sixteen_hours_a_week_is_enough_and_less_is_not(double hours, OutcomeState expected) =>
        Assert.Equal(expected, Short(Job((decimal)hours)).State);

    [Theory] // the short window is the job start to day 91 (jobStart + 90); a drop the day after does not count
    [InlineData(90, OutcomeState.NotAchieved)]
    [InlineData(91, OutcomeState.Achieved)]
    public void Hours_falling_below_16_matter_only_inside_the_window(int day, OutcomeState expected) =>
        Assert.Equal(expected, Short(Job().WithHoursChange(new HoursChange(Start.AddDays(day), 15))).State);

    [Theory] // a benefit claim overlapping the qualifying period by a single day counts
    [InlineData(-10, -1, OutcomeState.Achieved)]
    [InlineData(-10, 0, OutcomeState.NotAchieved)]
    [InlineData(90, 100, OutcomeState.NotAchieved)]
    [InlineData(91, 100, OutcomeState.Achieved)]
    public void A_benefit_claim_overlapping_by_one_day_loses_the_short_outcome(int fromDay, int toDay, OutcomeState expected) =>
        Assert.Equal(expected, Short(Job().WithBenefitClaim(new BenefitClaim(Start.AddDays(fromDay), Start.AddDays(toDay)))).State);

    [Fact]
    public void An_open_ended_benefit_claim_loses_the_sustained_outcome()
    {
        var facts = Job().WithBenefitClaim(new BenefitClaim(Start.AddDays(150), null));
        Assert.Equal(OutcomeState.Achieved, Short(facts).State);
        Assert.Equal(OutcomeState.NotAchieved, Sustained(facts).State);
    }

    [Fact] // 13.05: no outcome where wage incentives are paid
    public void A_wage_incentive_means_no_outcome()
    {
        var facts = Job().WithWageIncentive(Start.AddDays(200));
        Assert.Equal(OutcomeState.NotAchieved, Short(facts).State);
        Assert.Contains("13.05", Short(facts).Reason);
    }

    [Theory] // the job start is day 1: ending on day 91 (jobStart + 90) completes 13 weeks
    [InlineData(90, OutcomeState.Achieved)]
    [InlineData(89, OutcomeState.NotAchieved)]
    public void A_job_ending_on_day_91_still_achieves_the_short_outcome(int endDay, OutcomeState expected) =>
        Assert.Equal(expected, Short(Job().WithJobEnded(Start.AddDays(endDay))).State);

    [Fact] // 6.04
    public void A_job_started_outside_the_tracking_window_achieves_nothing() =>
        Assert.Equal(OutcomeState.NotAchieved, Short(EmploymentFacts.Start(Start, 30, startedInsideTrackingWindow: false)).State);

    [Fact]
    public void Before_the_checkpoint_the_outcome_is_pending()
    {
        Assert.Equal(OutcomeDecision.Pending, OutcomeRules.DecideShort(Job(), Start.AddDays(90)));
        Assert.Equal(OutcomeDecision.Pending, OutcomeRules.DecideSustained(Job(), OutcomeDecision.Achieved(Start.AddDays(91), "short"), Start.AddDays(181)));
        Assert.Equal(OutcomeDecision.Pending, OutcomeRules.DecideSustained(Job(), OutcomeDecision.Pending, Late));
    }

    private static EmploymentFacts Random(int seed, int[] ops)
    {
        var facts = EmploymentFacts.Start(Start, 10 + Math.Abs(seed % 30), seed % 7 != 0);
        foreach (var op in ops.Take(8))
        {
            var day = Start.AddDays(Math.Abs(op % 240) - 10);
            facts = (Math.Abs(op) % 5) switch
            {
                0 => facts.WithBreak(new DateRange(day, day.AddDays(Math.Abs(op % 20)))),
                1 => facts.WithHoursChange(new HoursChange(day, Math.Abs(op % 40))),
                2 => facts.WithBenefitClaim(new BenefitClaim(day, op % 2 == 0 ? null : day.AddDays(5))),
                3 => facts.WithJobEnded(day),
                _ => op % 9 == 0 ? facts.WithWageIncentive(day) : facts,
            };
        }
        return facts;
    }

    [Property(MaxTest = 500)] // decisions never change afterwards (SPEC 4.6)
    public bool Once_decided_an_outcome_stays_decided_for_every_later_date(int seed, int[] ops, PositiveInt later)
    {
        var facts = Random(seed, ops);
        var asOf = Start.AddDays(Math.Abs(seed % 250));
        var shortNow = OutcomeRules.DecideShort(facts, asOf);
        var shortLater = OutcomeRules.DecideShort(facts, asOf.AddDays(later.Get % 400));
        var sustainedNow = OutcomeRules.DecideSustained(facts, shortLater, asOf);
        var sustainedLater = OutcomeRules.DecideSustained(facts, shortLater, asOf.AddDays(later.Get % 400));
        return (shortNow.State == OutcomeState.Pending || shortNow == shortLater)
            && (sustainedNow.State == OutcomeState.Pending || sustainedNow == sustainedLater);
    }

    [Property(MaxTest = 500)]
    public bool A_sustained_outcome_is_achieved_between_26_and_30_weeks_after_the_start(int seed, int[] ops)
    {
        var facts = Random(seed, ops);
        var decision = OutcomeRules.DecideSustained(facts, OutcomeRules.DecideShort(facts, Late), Late);
        return decision.State != OutcomeState.Achieved
            || (decision.On >= OutcomeRules.SustainedEarliest(Start) && decision.On <= OutcomeRules.SustainedFinal(Start));
    }

    [Property(MaxTest = 500)]
    public bool The_next_sustained_check_is_never_before_26_or_after_30_weeks(int seed, int[] ops)
    {
        var facts = Random(seed, ops);
        var next = OutcomeRules.NextSustainedCheck(facts);
        // While the job has ended, the check waits for the last day a new job could start (6.03), which overlapping breaks can push past 30 weeks.
        return (next >= OutcomeRules.SustainedEarliest(Start) && next <= OutcomeRules.SustainedFinal(Start))
            || (facts.JobEndedOn is { } ended && next == OutcomeRules.LatestRestart(facts, ended).AddDays(1));
    }
}
