using FsCheck.Xunit;
using Ses.Domain.Journeys;
using Ses.Domain.Outcomes;
using static Ses.Domain.Tests.Journeys.JourneySpec;
using OutcomeBenefitClaim = Ses.Domain.Outcomes.BenefitClaim;

namespace Ses.Domain.Tests.Outcomes;

/// <summary>
/// EmploymentFacts stays bounded: compaction keeps only what the outcome rules (6.02, 6.03) read, and the decisions over
/// any sequence of facts are the same with and without it.
/// </summary>
public sealed class CompactionTests
{
    private static readonly DateOnly Start = new(2026, 5, 11);

    private abstract record Fact;
    private sealed record Hours(HoursChange Change) : Fact;
    private sealed record Break(DateRange Range) : Fact;
    private sealed record Claim(OutcomeBenefitClaim Value) : Fact;
    private sealed record Ended(DateOnly On) : Fact;
    private sealed record Resumed(DateOnly On, decimal Hours) : Fact;

    private static IReadOnlyList<Fact> Facts(int[] ops) => ops.Take(30).Select(op =>
    {
        var day = Start.AddDays(Math.Abs(op % 230) - 5);
        return (Math.Abs(op) % 6) switch
        {
            // Breaks start on a weekly grid so that they often overlap or touch.
            0 => new Break(new DateRange(Start.AddDays(Math.Abs(op / 7 % 28) * 7), Start.AddDays(Math.Abs(op / 7 % 28) * 7 + Math.Abs(op % 17)))),
            // Hours on a coarse grid of days, so that two changes on one day (a tie) happen.
            1 or 5 => new Hours(new HoursChange(Start.AddDays(Math.Abs(op / 7 % 8) * 15), Math.Abs(op) % 3 == 1 ? Math.Abs(op / 3 % 16) : 16 + Math.Abs(op % 10))),
            // Claims on a 10-day grid, so that one often contains, overlaps or precedes another.
            2 => new Claim(new OutcomeBenefitClaim(Start.AddDays(Math.Abs(op / 7 % 20) * 10 - 10),
                op % 3 == 0 ? null : Start.AddDays(Math.Abs(op / 7 % 20) * 10 - 10 + Math.Abs(op % 40)))),
            3 => new Ended(day),
            _ => (Fact)new Resumed(day, 10 + Math.Abs(op % 20)),
        };
    }).ToArray();

    /// <summary>The facts as the evolver keeps them, compacted.</summary>
    private static EmploymentFacts Compacted(IEnumerable<Fact> facts) => facts.Aggregate(EmploymentFacts.Start(Start, 20, true), (f, x) => x switch
    {
        Hours h => f.WithHoursChange(h.Change),
        Break b => f.WithBreak(b.Range),
        Claim c => f.WithBenefitClaim(c.Value),
        Ended e => f.WithJobEnded(e.On),
        Resumed r => f.JobEndedOn is { } ended && r.On > ended ? f.WithJobResumed(r.On, r.Hours) : f,
        _ => f,
    });

    /// <summary>The same facts kept in full, every report appended, as before compaction.</summary>
    private static EmploymentFacts Raw(IEnumerable<Fact> facts) => facts.Aggregate(EmploymentFacts.Start(Start, 20, true), (f, x) => x switch
    {
        Hours h => f with { HoursChanges = [.. f.HoursChanges, h.Change] },
        Break b => f with { Breaks = [.. f.Breaks, b.Range] },
        Claim c => f with { BenefitClaims = [.. f.BenefitClaims, c.Value] },
        Ended e => f with { JobEndedOn = e.On },
        Resumed r when f.JobEndedOn is { } ended && r.On > ended => f with
        {
            JobEndedOn = null,
            Breaks = r.On.DayNumber > ended.DayNumber + 1 ? [.. f.Breaks, new DateRange(ended.AddDays(1), r.On.AddDays(-1))] : f.Breaks,
            HoursChanges = [.. f.HoursChanges, new HoursChange(r.On, r.Hours)],
        },
        _ => f,
    });

    /// <summary>
    /// The sequence itself and its projections onto one kind of fact: the rules check hours before benefit claims, so in a
    /// mixed sequence an hours drop would hide a difference in the claims kept; each projection is a random sequence too.
    /// </summary>
    [Property(MaxTest = 3000)]
    public bool Outcome_decisions_are_identical_with_and_without_compaction(int[] ops, int asOfDays)
    {
        var facts = Facts(ops);
        var asOf = Start.AddDays(Math.Abs(asOfDays % 300));
        IEnumerable<IReadOnlyList<Fact>> sequences =
        [
            facts,
            [.. facts.OfType<Hours>()],
            [.. facts.OfType<Claim>()],
            [.. facts.Where(f => f is Break or Ended or Resumed)],
        ];
        return sequences.All(sequence => SameDecisions(Raw(sequence), Compacted(sequence), asOf));
    }

    private static bool SameDecisions(EmploymentFacts raw, EmploymentFacts compact, DateOnly asOf)
    {
        var shortRaw = OutcomeRules.DecideShort(raw, asOf);
        var shortCompact = OutcomeRules.DecideShort(compact, asOf);
        return shortRaw == shortCompact
            && OutcomeRules.DecideSustained(raw, shortRaw, asOf) == OutcomeRules.DecideSustained(compact, shortCompact, asOf)
            && OutcomeRules.NextSustainedCheck(raw) == OutcomeRules.NextSustainedCheck(compact);
    }

    [Fact] // 6.02: the reason names the earliest drop; on a tie, the one reported first, as over the full list
    public void Compacted_hours_keep_the_earliest_drop_and_on_a_tie_the_first_reported()
    {
        var sequence = new Fact[] { new Hours(new HoursChange(Start.AddDays(30), 12)), new Hours(new HoursChange(Start.AddDays(30), 8)),
            new Hours(new HoursChange(Start.AddDays(40), 4)), new Hours(new HoursChange(Start.AddDays(20), 30)) };
        var compact = Compacted(sequence);
        Assert.Equal(new HoursChange(Start.AddDays(30), 12), Assert.Single(compact.HoursChanges));
        Assert.Equal(OutcomeRules.DecideShort(Raw(sequence), Start.AddDays(91)), OutcomeRules.DecideShort(compact, Start.AddDays(91)));
    }

    [Fact] // 6.02: only a claim inside another is dropped; an overlapping claim that starts earlier is kept, it names the date
    public void Compacted_benefit_claims_drop_only_claims_contained_in_another()
    {
        var sequence = new Fact[]
        {
            new Claim(new OutcomeBenefitClaim(Start.AddDays(20), Start.AddDays(50))),
            new Claim(new OutcomeBenefitClaim(Start.AddDays(25), Start.AddDays(30))), // inside the first: dropped
            new Claim(new OutcomeBenefitClaim(Start.AddDays(10), Start.AddDays(30))), // overlaps, starts earlier: kept
        };
        var compact = Compacted(sequence);
        Assert.Equal(2, compact.BenefitClaims.Count);
        Assert.Contains(Start.AddDays(10).ToString("yyyy-MM-dd"), OutcomeRules.DecideShort(compact, Start.AddDays(91)).Reason);
        Assert.Equal(OutcomeRules.DecideShort(Raw(sequence), Start.AddDays(91)), OutcomeRules.DecideShort(compact, Start.AddDays(91)));
    }

    [Fact] // 10,000 hours-changed reports leave one hours change in the journey state
    public void Ten_thousand_hours_changes_do_not_grow_the_journey()
    {
        var spec = new Journeys.JourneySpec()
            .Given(Referral())
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 10), Recommendation.Main), At(2026, 3, 10))
            .Given(new Started(new DateOnly(2026, 3, 20)), At(2026, 3, 20))
            .Given(new LeftEarly(new DateOnly(2026, 5, 8)), At(2026, 5, 8))
            .Given(new JobStarted(Start, 20), At(2026, 5, 11));
        for (var i = 0; i < 10_000; i++)
        {
            spec.Given(new HoursChanged(Start.AddDays(1 + i % 60), i % 2 == 0 ? 12 : 30), At(2026, 7, 20));
            if (i % 100 == 0) spec.Given(new EmploymentBreak(Start.AddDays(i % 50), Start.AddDays(i % 50 + 1)), At(2026, 7, 20));
        }
        var facts = spec.State.Employment!;
        Assert.Single(facts.HoursChanges);
        Assert.Equal(Start.AddDays(1), facts.HoursChanges[0].FromOn);
        Assert.True(facts.Breaks.Count <= 2, $"{facts.Breaks.Count} breaks kept");
    }
}
