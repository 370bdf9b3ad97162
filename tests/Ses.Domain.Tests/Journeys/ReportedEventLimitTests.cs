using Ses.Domain.Journeys;

namespace Ses.Domain.Tests.Journeys;

/// <summary>The documented input limits applied to reported events (README, "Input limits").</summary>
public sealed class ReportedEventLimitTests
{
    private static readonly DateOnly On = new(2026, 3, 3);
    private static readonly string Limit = new('x', InputLimits.FreeText);
    private static readonly string Over = new('x', InputLimits.FreeText + 1);

    public static TheoryData<ReportedEvent, string> EveryTextFieldOverTheLimit() => new()
    {
        { new Withdrawn(On, Over), "reason" },
        { new LeftEarly(On, Over), "reason" },
        { new SroNotEligible(On, Over), "reason" },
        { new InitialAssessmentHeld(On, Recommendation.Main, Reason: Over), "reason" },
        { new JobStarted(On, 20, Employer: Over), "employer" },
        { new StrandReferralAccepted(On, Over), "strandReferralId" },
        { new SroEligibilityConfirmed(On, Over), "prapReferralId" },
        { new Ucpr1Received(On, new Ucpr1Content(Over, null, null, null, null, null)), "content.jobAims" },
        { new Ucpr1Received(On, new Ucpr1Content(null, null, null, null, null, Over)), "content.complexNeeds" },
    };

    [Theory]
    [MemberData(nameof(EveryTextFieldOverTheLimit))]
    public void Text_over_the_free_text_limit_names_its_field(ReportedEvent reported, string field)
    {
        var error = Assert.Single(ReportedEventLimits.Check(reported));
        Assert.Equal(field, error.Field);
        Assert.Contains($"at most {InputLimits.FreeText}", error.Message);
    }

    [Fact]
    public void Text_of_exactly_the_limit_and_line_breaks_are_accepted()
    {
        Assert.Empty(ReportedEventLimits.Check(new Withdrawn(On, Limit)));
        Assert.Empty(ReportedEventLimits.Check(new Withdrawn(On, "moved\r\naway\tfor good")));
        Assert.Empty(ReportedEventLimits.Check(new Ucpr1Received(On, new Ucpr1Content(Limit, Limit, Limit, Limit, Limit, Limit))));
    }

    [Fact]
    public void Control_characters_and_lone_surrogates_are_refused()
    {
        // Built here rather than passed as theory data, which the runner would re-encode (a lone surrogate becomes U+FFFD).
        string[] refused = ["a\0b", "\u001b[2J", "a" + (char)0xD800, (char)0xDC00 + "a", "\u007f"];
        Assert.All(refused, reason => Assert.Equal("reason", Assert.Single(ReportedEventLimits.Check(new Withdrawn(On, reason))).Field));
        Assert.Empty(ReportedEventLimits.Check(new Withdrawn(On, "\ud83d\ude00 paired surrogates are fine")));
    }

    [Fact]
    public void Every_date_and_timestamp_must_lie_in_the_accepted_range()
    {
        var before = InputLimits.EarliestDate.AddDays(-1);
        var after = InputLimits.LatestDate.AddDays(1);
        Assert.Equal("toOn", Assert.Single(ReportedEventLimits.Check(new EmploymentBreak(On, after))).Field);
        Assert.Equal("occurredOn", Assert.Single(ReportedEventLimits.Check(new PrapAcknowledged(before))).Field);
        Assert.Equal("anticipatedEndOn", Assert.Single(ReportedEventLimits.Check(new InitialAssessmentHeld(On, Recommendation.Main, AnticipatedEndOn: DateOnly.MaxValue))).Field);
        Assert.Equal("occurredAt", Assert.Single(ReportedEventLimits.Check(new BackedOutNotified(DateTimeOffset.MinValue))).Field);
        Assert.Empty(ReportedEventLimits.Check(new EmploymentBreak(InputLimits.EarliestDate, InputLimits.LatestDate)));
        Assert.Empty(ReportedEventLimits.Check(new BenefitClaim(On)));
    }
}
