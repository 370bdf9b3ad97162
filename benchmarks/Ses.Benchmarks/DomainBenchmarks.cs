using BenchmarkDotNet.Attributes;
using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Infrastructure.Storage;

namespace Ses.Benchmarks;

/// <summary>
/// The pure domain against the work around it: deciding an event against serialising the state the store must write
/// anyway, and working-day arithmetic against plain date arithmetic. Ratios, not absolute times, are what to compare.
/// </summary>
[MemoryDiagnoser]
public class DomainBenchmarks
{
    private Journey _journey = null!;
    private readonly JourneyRules _rules = JourneyRules.Default;
    private readonly DateTimeOffset _now = LondonTime.At(new DateOnly(2026, 3, 3), new TimeOnly(10, 0));

    [GlobalSetup]
    public void Setup()
    {
        Nino.TryParse("JG103759A", out var nino, out _);
        var participant = new Participant("Ms", "Ada", "Example", nino, null, null, null, null, null, true, Benefit.Uc, 0, null, null);
        var referral = new Referral("200123456", "SES-MAIN", new DateOnly(2026, 3, 2), "prov-a", Region.EnglandAndWales, Channel.Prap,
            false, participant, new Contact("SPoC", "spoc@jcp.example"), null);
        var decision = JourneyDecider.Decide(null, new ReceiveReferral("200123456", referral, _now), _rules);
        _journey = JourneyEvolver.Fold(decision.Events)!;
    }

    [Benchmark(Baseline = true, Description = "serialise journey state (baseline)")]
    public string SerialiseState() => Json.Serialize(_journey);

    [Benchmark(Description = "decide + evolve an assessment")]
    public Journey DecideAndEvolve()
    {
        var decision = JourneyDecider.Decide(_journey,
            new RecordEvent(new InitialAssessmentHeld(new DateOnly(2026, 3, 3), Recommendation.Main), null, _now), _rules);
        return JourneyEvolver.Fold(decision.Events, _journey)!;
    }
}

[MemoryDiagnoser]
public class CalendarBenchmarks
{
    private readonly WorkingDayCalendar _calendar = WorkingDayCalendar.Official;
    private readonly DateOnly _from = new(2026, 3, 2);

    /// <summary>The same walk without holidays: what the bank-holiday lookups cost on top.</summary>
    [Benchmark(Baseline = true, Description = "20 weekdays, no holidays (baseline)")]
    public DateOnly AddWeekdays()
    {
        var day = _from;
        for (var counted = 0; counted < 20;)
        {
            day = day.AddDays(1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) counted++;
        }
        return day;
    }

    [Benchmark(Description = "20 working days (England and Wales)")]
    public DateOnly AddWorkingDays() => _calendar.AddWorkingDays(Region.EnglandAndWales, _from, 20);
}
