namespace Ses.Domain.Outcomes;

/// <summary>
/// Job outcome rules (Chapter 6; SPEC 4.6). The job start is day 1 of employment and ranges include both ends.
/// Short (6.02): 13 weeks at 16+ hours a week with no break, no benefit claim, no wage incentive (13.05), job started
/// inside the tracking window (6.04); achieved on job start + 91 days. Sustained (6.03): 26 weeks (182 days) of employment
/// within 30 weeks (210 days), breaks totalling at most 28 days, the same conditions throughout, short achieved first.
/// </summary>
public static class OutcomeRules
{
    public const decimal MinimumHours = 16m;
    public const int ShortDays = 91;
    public const int SustainedDays = 182;
    public const int SustainedWindowDays = 210;
    public const int MaximumBreakDays = 28;

    public static DateOnly ShortCheckpoint(DateOnly jobStart) => jobStart.AddDays(ShortDays);
    public static DateOnly SustainedEarliest(DateOnly jobStart) => jobStart.AddDays(SustainedDays);
    public static DateOnly SustainedFinal(DateOnly jobStart) => jobStart.AddDays(SustainedWindowDays);

    public static OutcomeDecision DecideShort(EmploymentFacts facts, DateOnly asOf)
    {
        var period = new DateRange(facts.JobStart, facts.JobStart.AddDays(ShortDays - 1));
        var breaks = facts.MergedBreaks().FirstOrDefault(b => b.Overlaps(period));
        var reason = CommonProblem(facts, period)
            ?? (breaks != default ? $"A break in employment from {breaks.From:yyyy-MM-dd} (6.02)." : null);
        if (reason is not null) return OutcomeDecision.NotAchieved(reason);
        return asOf >= ShortCheckpoint(facts.JobStart)
            ? OutcomeDecision.Achieved(ShortCheckpoint(facts.JobStart),
                $"13 weeks of employment from {facts.JobStart:yyyy-MM-dd} at 16 or more hours a week, with no break, benefit claim or wage incentive (6.02).")
            : OutcomeDecision.Pending;
    }

    public static OutcomeDecision DecideSustained(EmploymentFacts facts, OutcomeDecision shortOutcome, DateOnly asOf)
    {
        if (shortOutcome.State == OutcomeState.NotAchieved) return OutcomeDecision.NotAchieved("The short job outcome was not achieved (6.03).");
        var achievedOn = AchievedOn(facts, out var breakDays);
        if (achievedOn > SustainedFinal(facts.JobStart))
        {
            return OutcomeDecision.NotAchieved($"Breaks in employment total {breakDays} days, more than {MaximumBreakDays} (6.03).");
        }
        var reason = CommonProblem(facts, new DateRange(facts.JobStart, achievedOn.AddDays(-1)), sustained: true);
        if (reason is not null) return OutcomeDecision.NotAchieved(reason);
        if (EndedBeforeQualifying(facts, achievedOn) is { } ended)
        {
            // 6.03: after job-ended the days without work are a break; a new job may start until the allowance is used up.
            return asOf > LatestRestart(facts, ended)
                ? OutcomeDecision.NotAchieved(
                    $"The job ended on {ended:yyyy-MM-dd} and no new job started within the {MaximumBreakDays}-day break allowance (6.03).")
                : OutcomeDecision.Pending;
        }
        if (shortOutcome.State == OutcomeState.Pending || asOf < achievedOn) return OutcomeDecision.Pending;
        return OutcomeDecision.Achieved(achievedOn,
            $"26 weeks of employment within 30 weeks of {facts.JobStart:yyyy-MM-dd}, breaks totalling {breakDays} days, at 16 or more hours a week with no benefit claim or wage incentive (6.03).");
    }

    /// <summary>
    /// When the sustained checkpoint should fire: 182 days plus the break days before it, at most 210 days; while the job
    /// has ended, the day after the last day a new job could still start (6.03).
    /// </summary>
    public static DateOnly NextSustainedCheck(EmploymentFacts facts)
    {
        var achievedOn = AchievedOn(facts, out _);
        if (EndedBeforeQualifying(facts, achievedOn) is { } ended) return LatestRestart(facts, ended).AddDays(1);
        var final = SustainedFinal(facts.JobStart);
        return achievedOn < final ? achievedOn : final;
    }

    /// <summary>
    /// The last day a new job may start after <c>job-ended</c> for the break to stay within the allowance: breaks in total
    /// at most 28 days (6.03; SPEC 4.6). The break runs from the day after the job ended to the day before the new start.
    /// </summary>
    public static DateOnly LatestRestart(EmploymentFacts facts, DateOnly endedOn)
    {
        var restart = endedOn.AddDays(1);
        while (BreakDaysIfRestartedOn(facts, endedOn, restart.AddDays(1)) <= MaximumBreakDays) restart = restart.AddDays(1);
        return restart;
    }

    private static int BreakDaysIfRestartedOn(EmploymentFacts facts, DateOnly endedOn, DateOnly restart) =>
        restart.DayNumber <= endedOn.DayNumber + 1
            ? facts.MergedBreaks().Sum(b => b.Days)
            : (facts with { Breaks = [.. facts.Breaks, new DateRange(endedOn.AddDays(1), restart.AddDays(-1))] }).MergedBreaks().Sum(b => b.Days);

    /// <summary>The job ended (and no new one started) before its 26 weeks of employment were complete.</summary>
    private static DateOnly? EndedBeforeQualifying(EmploymentFacts facts, DateOnly achievedOn) =>
        facts.JobEndedOn is { } ended && ended < achievedOn.AddDays(-1) ? ended : null;

    /// <summary>The day employment reaches 182 days: each break day before it pushes it one day later.</summary>
    private static DateOnly AchievedOn(EmploymentFacts facts, out int breakDays)
    {
        var breaks = facts.MergedBreaks();
        var target = SustainedEarliest(facts.JobStart);
        while (true)
        {
            var window = new DateRange(facts.JobStart, target.AddDays(-1));
            breakDays = breaks.Sum(b => b.Intersect(window)?.Days ?? 0);
            var next = SustainedEarliest(facts.JobStart).AddDays(breakDays);
            if (next == target || next > SustainedFinal(facts.JobStart).AddDays(MaximumBreakDays)) return next;
            target = next;
        }
    }

    /// <summary>The conditions both outcomes share, judged over the qualifying period.</summary>
    private static string? CommonProblem(EmploymentFacts facts, DateRange period, bool sustained = false)
    {
        if (!facts.StartedInsideTrackingWindow) return "The job did not start inside the 6-week tracking window (6.04).";
        if (facts.WageIncentivePaidOn is { } paid) return $"A wage incentive was paid on {paid:yyyy-MM-dd}: subsidised employment (13.05).";
        if (facts.InitialHoursPerWeek < MinimumHours) return $"Hours were {facts.InitialHoursPerWeek} a week, below {MinimumHours} (6.02).";
        if (facts.HoursChanges.Where(h => h.FromOn <= period.To && h.HoursPerWeek < MinimumHours).OrderBy(h => h.FromOn).FirstOrDefault() is { } drop)
        {
            return $"Hours fell to {drop.HoursPerWeek} a week on {drop.FromOn:yyyy-MM-dd}, below {MinimumHours} (6.02).";
        }
        if (facts.BenefitClaims.Where(c => c.Range.Overlaps(period)).OrderBy(c => c.FromOn).FirstOrDefault() is { } claim)
        {
            return $"A working-age benefit was claimed from {claim.FromOn:yyyy-MM-dd} (6.02).";
        }
        if (!sustained && facts.JobEndedOn is { } ended && ended < period.To) return $"The job ended on {ended:yyyy-MM-dd} (6.02).";
        return null;
    }
}
