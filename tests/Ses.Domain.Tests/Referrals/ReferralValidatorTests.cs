using FsCheck.Xunit;
using Ses.Domain.Calendar;
using Ses.Domain.Referrals;

namespace Ses.Domain.Tests.Referrals;

public sealed class ReferralValidatorTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    private static ReferralInput Valid(string referralId = "200123456", string channel = "prap", bool mappa = false) => new(
        referralId, "SES-MAIN", "2026-03-02", "prov-a", "england-and-wales", channel, mappa,
        new ParticipantInput("Ms", "Ada", "Example", "AB123456C", "CN1", mappa ? null : "0113 496 0000", null,
            mappa ? null : "1 Street", mappa ? null : "ls1 4ab", true, "UC", 3),
        new ContactInput("SPoC", "spoc@jcp.example"), new ContactInput("Coach", "coach@jcp.example"));

    private static IReadOnlyList<string> Fields(ReferralInput input) => ReferralValidator.Validate(input, Today).Errors.Select(e => e.Field).ToArray();

    [Fact] // 13.61-13.66
    public void A_complete_PRaP_referral_is_valid_and_normalised()
    {
        var result = ReferralValidator.Validate(Valid(), Today);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var referral = result.Referral!;
        Assert.True(referral.UniversalCredit);
        Assert.Equal("LS1 4AB", referral.Participant.Postcode?.Value);
        Assert.Equal(Region.EnglandAndWales, referral.Region);
        Assert.False(referral.Restricted);
    }

    [Fact] // SPEC 4.1: region defaults to england-and-wales, channel to prap, mappa to false
    public void Region_channel_and_mappa_have_defaults()
    {
        var result = ReferralValidator.Validate(Valid() with { Region = null, Channel = null, Mappa = null }, Today);
        Assert.True(result.IsValid);
        Assert.Equal(Channel.Prap, result.Referral!.Channel);
    }

    [Fact]
    public void All_errors_are_reported_at_once_each_naming_its_field()
    {
        var input = Valid("300123456") with { ReferralDate = "2026-03-11", Participant = Valid().Participant! with { Nino = "QQ123456Z", MonthsEmployedInPrior24 = 30 } };
        var fields = Fields(input);
        Assert.Contains("referralId", fields);
        Assert.Contains("referralDate", fields);
        Assert.Contains("participant.nino", fields);
        Assert.Contains("participant.monthsEmployedInPrior24", fields);
    }

    [Theory]
    [InlineData("2026-03-11")] // tomorrow
    [InlineData("2014-12-31")] // before SES
    [InlineData("2026-02-30")]
    [InlineData("02/03/2026")]
    public void The_referral_date_must_be_a_real_past_date(string date) =>
        Assert.Equal(["referralDate"], Fields(Valid() with { ReferralDate = date }));

    [Fact] // 13.58: MAPPA referrals arrive without address, postcode and phone
    public void A_MAPPA_referral_with_an_address_is_refused_and_without_one_is_restricted()
    {
        var withAddress = Valid(mappa: true) with { Participant = Valid().Participant };
        Assert.Contains("participant.address", Fields(withAddress));
        Assert.Contains("participant.postcode", Fields(withAddress));
        Assert.Contains("participant.phone", Fields(withAddress));
        var result = ReferralValidator.Validate(Valid(mappa: true), Today);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.True(result.Referral!.Restricted);
    }

    [Fact] // 13.40-13.44: an SRO introduction is not a PRaP referral yet
    public void An_SRO_introduction_takes_its_own_reference()
    {
        var result = ReferralValidator.Validate(Valid("SRO-2026-001", "sro") with { Spoc = null }, Today);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(Channel.Sro, result.Referral!.Channel);
        Assert.Contains("referralId", Fields(Valid("SRO 2026/001", "sro")));
    }

    [Fact] // 13.52-13.57: SCR records are restricted
    public void An_SCR_referral_is_restricted()
    {
        var result = ReferralValidator.Validate(Valid(channel: "scr"), Today);
        Assert.True(result.IsValid);
        Assert.True(result.Referral!.Restricted);
    }

    [Fact]
    public void A_PRaP_referral_needs_a_SPoC_with_a_real_email()
    {
        Assert.Contains("spoc", Fields(Valid() with { Spoc = null }));
        Assert.Contains("spoc.email", Fields(Valid() with { Spoc = new ContactInput("SPoC", "not an email") }));
        Assert.Contains("workCoach.email", Fields(Valid() with { WorkCoach = new ContactInput("Coach", "coach@") }));
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void Names_are_limited_to_100_characters(int length, bool valid) =>
        Assert.Equal(valid, ReferralValidator.Validate(Valid() with { Participant = Valid().Participant! with { Forename = new string('a', length) } }, Today).IsValid);

    [Theory]
    [InlineData(0, true)]
    [InlineData(24, true)]
    [InlineData(25, false)]
    [InlineData(-1, false)]
    public void Months_employed_are_0_to_24(int months, bool valid) =>
        Assert.Equal(valid, ReferralValidator.Validate(Valid() with { Participant = Valid().Participant! with { MonthsEmployedInPrior24 = months } }, Today).IsValid);

    [Theory]
    [InlineData("region", "wales")]
    [InlineData("channel", "fax")]
    [InlineData("participant.benefit", "PIP")]
    public void Unknown_enumerations_are_refused(string field, string value)
    {
        var input = field switch
        {
            "region" => Valid() with { Region = value },
            "channel" => Valid() with { Channel = value },
            _ => Valid() with { Participant = Valid().Participant! with { Benefit = value } },
        };
        Assert.Contains(field, Fields(input));
    }

    [Property(MaxTest = 300)]
    public bool Validation_never_throws_whatever_the_strings(string? a, string? b, string? c, string? d, string? e, int? months, bool? flag)
    {
        var input = new ReferralInput(a, b, c, d, e, a, flag, new ParticipantInput(b, c, d, e, a, b, c, d, e, flag, a, months, b, flag),
            new ContactInput(c, d), new ContactInput(e, a));
        var result = ReferralValidator.Validate(input, Today);
        return result.IsValid || result.Errors.Count > 0;
    }
}
