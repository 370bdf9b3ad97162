namespace Ses.Domain.Outcomes;

public sealed record HoursChange(DateOnly FromOn, decimal HoursPerWeek);

/// <summary>A working-age income-replacement benefit claim; open-ended while <see cref="ToOn"/> is null.</summary>
public sealed record BenefitClaim(DateOnly FromOn, DateOnly? ToOn)
{
    public DateRange Range => new(FromOn, ToOn ?? DateOnly.MaxValue);
}

/// <summary>What is known about the job a participant started: the facts the outcome rules (6.02, 6.03) judge.</summary>
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

    public EmploymentFacts WithHoursChange(HoursChange change) => this with { HoursChanges = [.. HoursChanges, change] };

    public EmploymentFacts WithBreak(DateRange range) => this with { Breaks = [.. Breaks, range] };

    public EmploymentFacts WithBenefitClaim(BenefitClaim claim) => this with { BenefitClaims = [.. BenefitClaims, claim] };

    public EmploymentFacts WithWageIncentive(DateOnly paidOn) => this with { WageIncentivePaidOn = WageIncentivePaidOn ?? paidOn };

    public EmploymentFacts WithJobEnded(DateOnly endedOn) => this with { JobEndedOn = endedOn };

    /// <summary>Breaks from the job start on, overlapping ones merged, so no day counts twice.</summary>
    public IReadOnlyList<DateRange> MergedBreaks()
    {
        var merged = new List<DateRange>();
        foreach (var b in Breaks.Where(b => b.To >= JobStart).Select(b => b with { From = b.From < JobStart ? JobStart : b.From }).OrderBy(b => b.From))
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
