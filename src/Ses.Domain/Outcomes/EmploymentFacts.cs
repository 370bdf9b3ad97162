namespace Ses.Domain.Outcomes;

public sealed record HoursChange(DateOnly FromOn, decimal HoursPerWeek);

/// <summary>A working-age income-replacement benefit claim; open-ended while <see cref="ToOn"/> is null.</summary>
public sealed record BenefitClaim(DateOnly FromOn, DateOnly? ToOn)
{
    public DateRange Range => new(FromOn, ToOn ?? DateOnly.MaxValue);

    public bool Contains(BenefitClaim other) => FromOn <= other.FromOn && Range.To >= other.Range.To;
}

/// <summary>
/// What is known about the job a participant started: the facts the outcome rules (6.02, 6.03) judge. The <c>With</c>
/// methods keep the facts compact, so thousands of reports do not grow the journey: only the earliest drop below 16 hours
/// is kept (the only one <see cref="OutcomeRules"/> reads), breaks are kept as their union, and a benefit claim contained in
/// another is dropped. A property test checks that the decisions are the same as over the uncompacted facts.
/// </summary>
public sealed record EmploymentFacts(
    DateOnly JobStart,
    decimal InitialHoursPerWeek,
    bool StartedInsideTrackingWindow,
    IReadOnlyList<HoursChange> HoursChanges,
    IReadOnlyList<DateRange> Breaks,
    IReadOnlyList<BenefitClaim> BenefitClaims,
    DateOnly? WageIncentivePaidOn,
    DateOnly? JobEndedOn)
{
    public static EmploymentFacts Start(DateOnly jobStart, decimal hoursPerWeek, bool startedInsideTrackingWindow) =>
        new(jobStart, hoursPerWeek, startedInsideTrackingWindow, [], [], [], null, null);

    /// <summary>Keeps the earliest change below 16 hours; on a tie the one reported first, as the rules' stable ordering does.</summary>
    public EmploymentFacts WithHoursChange(HoursChange change)
    {
        if (change.HoursPerWeek >= OutcomeRules.MinimumHours) return this;
        var kept = HoursChanges.Where(h => h.HoursPerWeek < OutcomeRules.MinimumHours).OrderBy(h => h.FromOn).FirstOrDefault();
        return kept is not null && kept.FromOn <= change.FromOn ? this with { HoursChanges = [kept] } : this with { HoursChanges = [change] };
    }

    public EmploymentFacts WithBreak(DateRange range) => this with { Breaks = Union([.. Breaks, range]) };

    public EmploymentFacts WithBenefitClaim(BenefitClaim claim) =>
        BenefitClaims.Any(c => c.Contains(claim))
            ? this
            : this with { BenefitClaims = [.. BenefitClaims.Where(c => !claim.Contains(c)), claim] };

    public EmploymentFacts WithWageIncentive(DateOnly paidOn) => this with { WageIncentivePaidOn = WageIncentivePaidOn ?? paidOn };

    public EmploymentFacts WithJobEnded(DateOnly endedOn) => this with { JobEndedOn = endedOn };

    /// <summary>
    /// 6.03: a new job after <c>job-ended</c>. The days between are a break in employment, and the new job's hours count
    /// from its start.
    /// </summary>
    public EmploymentFacts WithJobResumed(DateOnly startOn, decimal hoursPerWeek)
    {
        var facts = this with { JobEndedOn = null };
        if (JobEndedOn is { } ended && startOn.DayNumber > ended.DayNumber + 1)
        {
            facts = facts.WithBreak(new DateRange(ended.AddDays(1), startOn.AddDays(-1)));
        }
        return facts.WithHoursChange(new HoursChange(startOn, hoursPerWeek));
    }

    /// <summary>Breaks from the job start on, overlapping ones merged, so no day counts twice.</summary>
    public IReadOnlyList<DateRange> MergedBreaks() =>
        Union(Breaks.Where(b => b.To >= JobStart).Select(b => b with { From = b.From < JobStart ? JobStart : b.From }));

    private static IReadOnlyList<DateRange> Union(IEnumerable<DateRange> ranges)
    {
        var merged = new List<DateRange>();
        foreach (var b in ranges.OrderBy(b => b.From))
        {
            if (merged.Count > 0 && b.From.DayNumber <= merged[^1].To.DayNumber + 1)
            {
                merged[^1] = merged[^1] with { To = b.To > merged[^1].To ? b.To : merged[^1].To };
            }
            else
            {
                merged.Add(b);
            }
        }
        return merged;
    }
}
