using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Infrastructure.Email;

namespace Ses.Integration.Tests.Email;

/// <summary>The email templates rendered for real journeys: what the forms need (13.21-13.22, 13.36-13.37, 13.03), nothing sensitive (13.31, SPEC 6).</summary>
public sealed class EmailTemplateTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 5, 10, 0, 0, TimeSpan.Zero);

    private static readonly EmailComposer Composer = new(
        new InboxOptions { UcServiceCentre = "ucsc@dwp.example", SesPolicy = "ses-policy@dwp.example" },
        new Dictionary<string, ProviderOptions>
        {
            ["prov-a"] = new() { Name = "Provider A", Email = "staff@prov-a.example", ClaimsEmail = "claims@prov-a.example", Phone = "0113 496 0000" },
        });

    /// <summary>Everything about the participant a template could leak, and words that would show a MAPPA, SCR or health matter.</summary>
    private static readonly string[] Forbidden =
    [
        "Adaline", "Quernsby", "JG103759A", "JG 10 37 59 A", "CN-1", "07700 900461", "07700 900462", "Harrowgate", "LS1 4AB",
        "disab", "MAPPA", "SCR", "clerical", "health", "depression", "wheelchair", "anxiety", "Ms ",
    ];

    public static TheoryData<string> Templates() => new(EmailTemplates.Names);

    [Fact]
    public void The_form_templates_are_files_a_provider_can_change()
    {
        foreach (var name in new[] { "uc452-part6", "uc452-part7", "uc452-part8a", "uc452-part8b", "customer-exit-note", "ucpr1-chase" })
        {
            Assert.Contains(name, EmailTemplates.Names);
        }
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_template_for_a_MAPPA_or_an_SCR_journey_carries_no_personal_sensitive_or_SCR_detail(string template)
    {
        foreach (var journey in new[] { Journey(mappa: true), Journey(channel: Channel.Scr), Journey() })
        {
            foreach (var decision in SensitiveDecisions())
            {
                var email = Compose(journey, template, decision);
                var all = $"{email.Subject}\n{email.Body}\n{email.HtmlBody}";
                foreach (var word in Forbidden) Assert.DoesNotContain(word, all, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("{{", all);
                Assert.Contains(journey.ReferralId, email.Subject);
            }
        }
    }

    [Fact] // 13.21: part 6 fully completed with the strand and anticipated start and end dates
    public void UC452_part6_carries_the_strand_and_the_anticipated_dates()
    {
        var decision = Reported(new InitialAssessmentHeld(new DateOnly(2026, 3, 5), Recommendation.StartBack, new DateOnly(2026, 3, 16), new DateOnly(2027, 3, 12)));
        var email = Compose(Journey(), "uc452-part6", decision);
        foreach (var part in new[] { email.Body, email.HtmlBody! })
        {
            Assert.Contains("SES Start Back (SESSB)", part);
            Assert.Contains("16 March 2026", part);
            Assert.Contains("12 March 2027", part);
            Assert.Contains("5 March 2026", part);
        }
        Assert.Equal("SES referral 200123456: UC452 part 6", email.Subject);
        Assert.Equal(["ucsc@dwp.example", "ses-policy@dwp.example"], email.To);
    }

    [Fact] // 13.22, 13.31: part 7 has the provider's contact details and never the reason
    public void UC452_part7_gives_the_providers_contact_details_and_no_reason()
    {
        var decision = Reported(new InitialAssessmentHeld(new DateOnly(2026, 3, 5), Recommendation.NotSuitable, Reason: "going abroad for a month"));
        var email = Compose(Journey(), "uc452-part7", decision);
        Assert.Contains("Provider A", email.Body);
        Assert.Contains("0113 496 0000", email.Body);
        Assert.Contains("staff@prov-a.example", email.HtmlBody);
        Assert.DoesNotContain("abroad", email.Body + email.HtmlBody);
    }

    [Fact] // 13.36, 13.37, 13.03: the leaving or end date and the reason
    public void Parts_8a_and_8b_and_the_exit_note_carry_the_dates_and_a_safe_reason()
    {
        var left = Reported(new LeftEarly(new DateOnly(2026, 5, 5), "Found work with a local employer"));
        var part8a = Compose(Journey(), "uc452-part8a", left);
        Assert.Contains("5 May 2026", part8a.Body);
        Assert.Contains("Found work with a local employer", part8a.Body);
        Assert.Contains("Found work with a local employer", Compose(Journey(), "customer-exit-note", left).HtmlBody);
        Assert.Contains("next steps", Compose(Journey(), "customer-exit-note", left).Body);

        var sensitive = Compose(Journey(), "uc452-part8a", Reported(new LeftEarly(new DateOnly(2026, 5, 5), "Mental health crisis")));
        Assert.Contains(EmailValues.ReasonWithheld, sensitive.Body);

        var part8b = Compose(Journey(), "uc452-part8b", Reported(new Completed(new DateOnly(2027, 3, 12))));
        Assert.Contains("12 March 2027", part8b.Body);
        Assert.Contains("12 March 2027", part8b.HtmlBody);
    }

    [Fact]
    public void Values_are_HTML_encoded_in_the_HTML_part()
    {
        var email = Compose(Journey(), "uc452-part8a", Reported(new LeftEarly(new DateOnly(2026, 5, 5), "Chose <b>another</b> scheme")));
        Assert.Contains("Chose &lt;b&gt;another&lt;/b&gt; scheme", email.HtmlBody);
        Assert.Contains("Chose <b>another</b> scheme", email.Body);
    }

    private static Ses.Infrastructure.Outbox.Notification Compose(Journey journey, string template, IReadOnlyList<JourneyEvent> decision)
    {
        var audience = template switch
        {
            "customer-exit-note" => Audience.WorkCoach,
            "ucpr1-chase" => Audience.Spoc,
            "outcome-decided" => Audience.ProviderClaims,
            "deadline-reminder" or "deadline-missed" => Audience.ProviderStaff,
            _ => Audience.UcServiceCentreAndSesPolicy,
        };
        return Composer.Compose(journey, new NotificationRequested(template, audience, DeadlineKind.Start, new DateOnly(2026, 3, 30)), 2, 0, Now, decision);
    }

    private static IReadOnlyList<JourneyEvent> Reported(ReportedEvent e) => [new EventReported(e, "e-1", Now)];

    /// <summary>Decisions whose reported events carry sensitive free text, as staff might type it.</summary>
    private static IEnumerable<IReadOnlyList<JourneyEvent>> SensitiveDecisions() =>
    [
        [],
        Reported(new InitialAssessmentHeld(new DateOnly(2026, 3, 5), Recommendation.Main, new DateOnly(2026, 3, 16), new DateOnly(2027, 3, 12), "MAPPA level 2; depression")),
        Reported(new InitialAssessmentHeld(new DateOnly(2026, 3, 5), Recommendation.NotSuitable, Reason: "health: uses a wheelchair")),
        Reported(new LeftEarly(new DateOnly(2026, 5, 5), "Disability got worse, moved to 14 Harrowgate Lane")),
        Reported(new LeftEarly(new DateOnly(2026, 5, 5), "Quernsby asked to stop")),
        Reported(new Completed(new DateOnly(2027, 3, 12))),
        Reported(new Ucpr1Received(new DateOnly(2026, 3, 3), new Ucpr1Content("x", "x", "x", "x", "x", "anxiety; wheelchair"))),
    ];

    private static Journey Journey(bool mappa = false, Channel channel = Channel.Prap)
    {
        Nino.TryParse("JG103759A", out var nino, out _);
        Postcode.TryParse("LS1 4AB", out var postcode, out _);
        var participant = new Participant("Ms", "Adaline", "Quernsby", nino, "CN-1", "07700 900461", "07700 900462",
            "14 Harrowgate Lane, Leeds", postcode, true, Benefit.Uc, 6, "Needs childcare on Mondays", true);
        var referral = new Referral("200123456", "SES-MAIN", new DateOnly(2026, 3, 2), "prov-a", Region.EnglandAndWales, channel, mappa,
            participant, new Contact("Jo SPoC", "spoc@jcp.example"), new Contact("Sam Coach", "coach@jcp.example"));
        return new Journey
        {
            JourneyId = "200123456", Referral = referral, ReferralId = "200123456", ReferralDate = referral.ReferralDate,
            UniversalCredit = true, Phase = Phase.Tracking, ProvisionEndedOn = new DateOnly(2026, 5, 5),
        };
    }
}
