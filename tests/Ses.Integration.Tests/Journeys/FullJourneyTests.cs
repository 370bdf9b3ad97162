using System.Text.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>A UC journey lived from referral to sustained outcome on the virtual clock: the emails and history of SPEC 4.</summary>
public sealed class FullJourneyTests : SendGridAppTest
{
    [Fact]
    public async Task A_UC_journey_from_referral_to_sustained_outcome_sends_exactly_the_guidance_emails()
    {
        var intake = App.Client(SesApp.ReferralKey);
        var staff = App.Client(SesApp.ProviderAKey);
        var id = Referrals.NewId();
        await Referrals.CreateAsync(intake, Referrals.Body(id));

        await App.AdvanceAsync("P5D"); // Sat 7 March: the chase fired at 09:00 on Fri 6 March (13.14)
        await Referrals.EventAsync(staff, id, new { type = "ucpr1-received", eventId = "u1", occurredOn = "2026-03-07" });
        await Referrals.EventAsync(staff, id, new { type = "initial-assessment-held", eventId = "ia", occurredOn = "2026-03-07", recommendation = "main" });
        await Referrals.EventAsync(staff, id, new { type = "strand-referral-accepted", occurredOn = "2026-03-07", strandReferralId = "200999991" });
        await App.AdvanceAsync("P3D");
        await Referrals.EventAsync(staff, id, new { type = "started", eventId = "st", startOn = "2026-03-10" });
        await Referrals.EventAsync(staff, id, new { type = "isp-agreed", occurredOn = "2026-03-10", reviewIntervalWeeks = 26 });
        await App.AdvanceAsync("P8W");
        await Referrals.EventAsync(staff, id, new { type = "left-early", leftOn = "2026-05-05", reason = "found work" });
        await App.AdvanceAsync("P6D");
        await Referrals.EventAsync(staff, id, new { type = "job-started", startOn = "2026-05-11", hoursPerWeek = 20, selfEmployed = false, employer = "Acme" });
        await App.AdvanceAsync("P27W");

        var journey = await Referrals.GetAsync(staff, $"/api/journeys/{id}");
        Assert.Equal("closed", journey.GetProperty("phase").GetString());
        // The orchestration lives on after closure (tasks, resends and the purge still go through it), ADR 010.
        Assert.Equal(id, journey.GetProperty("orchestration").GetProperty("instanceId").GetString());
        Assert.Equal("running", journey.GetProperty("orchestration").GetProperty("runtimeStatus").GetString());
        Assert.Equal("outcome-complete", journey.GetProperty("closure").GetString());
        var outcomes = journey.GetProperty("outcomes");
        Assert.Equal("2026-08-10", outcomes.GetProperty("short").GetProperty("on").GetString());
        Assert.Equal("2026-11-09", outcomes.GetProperty("sustained").GetProperty("on").GetString());

        var notifications = await Referrals.GetAsync(staff, $"/api/journeys/{id}/notifications");
        var templates = notifications.EnumerateArray().Select(n => n.GetProperty("template").GetString()).ToArray();
        Assert.Equal(
            new[] { "ucpr1-chase", "uc452-part6", "uc452-part8a", "customer-exit-note", "outcome-decided", "outcome-decided" },
            templates);
        Assert.All(notifications.EnumerateArray(), n => Assert.Equal("sent", n.GetProperty("status").GetString()));
        Assert.Equal(templates.Length, SendGrid.Accepted.Count);
        Assert.Equal(new[] { "spoc@jcp.example" }, SendGrid.Accepted.First().To);

        var history = (await Referrals.GetAsync(staff, $"/api/journeys/{id}/history")).GetProperty("items");
        var kinds = history.EnumerateArray().Select(h => h.GetProperty("kind").GetString()!).ToArray();
        Assert.Equal("referral-received", kinds[0]);
        Assert.Contains("timer-fired:ucpr1-chase:due", kinds);
        Assert.Contains("timer-fired:short-outcome:due", kinds);
        Assert.Contains("timer-fired:sustained-outcome:due", kinds);
        Assert.Equal(1, kinds.Count(k => k == "timer-fired:ucpr1-chase:due"));
        var chase = history.EnumerateArray().First(h => h.GetProperty("kind").GetString() == "timer-fired:ucpr1-chase:due");
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.Zero), chase.GetProperty("at").GetDateTimeOffset());
        var versions = history.EnumerateArray().Select(h => h.GetProperty("version").GetInt32()).Distinct().ToArray();
        Assert.Equal(Enumerable.Range(1, journey.GetProperty("version").GetInt32()), versions);
        foreach (var sent in SendGrid.Accepted) AssertNoPersonalData(sent.Subject + " " + sent.Body);

        // SPEC 7: the journey counts in the statistics once its start cohort has 18 months of tracking.
        var stats = await Referrals.GetAsync(App.Client(SesApp.OperatorKey), "/api/reports/statistics?asOf=2027-12-31");
        Assert.Equal(1, stats.GetProperty("lifetime").GetProperty("starts").GetInt32());
        var cohort = stats.GetProperty("cohorts").EnumerateArray().Single();
        Assert.Equal("2026-Q1", cohort.GetProperty("key").GetString());
        Assert.Equal(100m, cohort.GetProperty("shortRate").GetDecimal());
        Assert.Equal(100m, cohort.GetProperty("sustainedRate").GetDecimal());
        Assert.Equal("UC", stats.GetProperty("byBenefit").EnumerateArray().Single().GetProperty("key").GetString());
    }

    /// <summary>13.31, SPEC 6: no names, NINO, address, phone, health or disability in external emails.</summary>
    private static void AssertNoPersonalData(string text)
    {
        foreach (var secret in new[] { "Adaline", "Quernsby", "JG103759A", "Harrowgate", "LS1 4AB", "07700", "disab" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
