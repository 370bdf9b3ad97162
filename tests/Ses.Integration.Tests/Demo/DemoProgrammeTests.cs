using System.Diagnostics;
using System.Text.Json;
using Ses.Demo;
using Ses.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ses.Integration.Tests.Demo;

/// <summary>
/// The demo programme (issue 8) through the real API and the virtual clock: 500 synthetic participants over two and a
/// half years reproduce the calibrated rates of the official statistics within sampling error, and purge leaves nothing.
/// </summary>
public sealed class DemoProgrammeTests(ITestOutputHelper output) : IAsyncLifetime
{
    // An Azurite of the test's own: a demo's clock moves wake hundreds of journeys at once, whose steps queue thousands of
    // requests in the one Azurite process, behind which the requests of tests running beside it wait. Seen in two of five
    // whole runs on the shared Azurite: a referral of another test answered 503 after two 10-s tries, about 5 minutes into
    // the run, when the demo tests are the heaviest users of storage (the likeliest cause; not proven).
    private Process _azurite = null!;
    private string _storage = null!;

    public Task InitializeAsync()
    {
        (_azurite, _storage) = Azurite.StartOwn();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _azurite.Kill(true);
        await _azurite.WaitForExitAsync();
        _azurite.Dispose();
    }

    private Dictionary<string, string?> OwnStorage()
    {
        var settings = DemoSettings();
        settings["Storage:ConnectionString"] = _storage;
        return settings;
    }

    public static Dictionary<string, string?> DemoSettings()
    {
        var settings = new Dictionary<string, string?> { ["Clock:Start"] = "2024-01-01T06:00:00+00:00" };
        foreach (var (id, region) in ParticipantFactory.Providers)
        {
            settings[$"Providers:{id}:Name"] = id;
            settings[$"Providers:{id}:Email"] = $"staff@{id}.invalid";
            settings[$"Providers:{id}:ClaimsEmail"] = $"claims@{id}.invalid";
            settings[$"Providers:{id}:Region"] = region;
        }
        return settings;
    }

    /// <summary>Three standard errors of a proportion: a calibrated rate outside this is a bug, not bad luck (p &lt; 0.003).</summary>
    private static double Tolerance(double rate, double n) => 3 * Math.Sqrt(rate * (1 - rate) / n) * 100;

    /// <summary>
    /// 500, not the demo's 2,000: the demo of 2,000 takes about 7 minutes on Azurite (4 December 2026), most of the suite's
    /// budget for one test; 500 take about 2. The tolerances widen as 1/sqrt(n) (3 standard errors).
    /// </summary>
    private const int Participants = 500;

    [Fact]
    public async Task Five_hundred_synthetic_participants_reproduce_the_calibrated_rates_of_the_official_statistics()
    {
        await using var app = new SesApp(new DateTimeOffset(2024, 1, 1, 6, 0, 0, TimeSpan.Zero), settings: OwnStorage());
        var ops = app.Client(SesApp.OperatorKey);
        ops.Timeout = TimeSpan.FromMinutes(5);

        var result = await new DemoProgramme(ops, output.WriteLine).RunAsync(new DemoOptions { Participants = Participants });

        Assert.Empty(result.Refused);
        Assert.Equal(Participants, result.Referrals);
        var report = await Referrals.GetAsync(ops, "/api/reports/statistics?asOf=2026-07-06");
        var lifetime = report.GetProperty("lifetime");
        var cohort = report.GetProperty("cohortTotal");
        var starts = cohort.GetProperty("starts").GetDouble();
        output.WriteLine($"referrals {lifetime.GetProperty("referrals")}, start rate {lifetime.GetProperty("startRate")} %, cohort starts {starts}, " +
            $"short {cohort.GetProperty("shortRate")} %, sustained {cohort.GetProperty("sustainedRate")} %");
        Assert.Equal(Participants, lifetime.GetProperty("referrals").GetDouble());
        Assert.InRange(lifetime.GetProperty("startRate").GetDouble(), 72 - Tolerance(0.72, Participants), 72 + Tolerance(0.72, Participants));
        // Starts up to 18 months before asOf make the cohort: all but the last few weeks' starts.
        Assert.InRange(starts, 0.95 * lifetime.GetProperty("starts").GetDouble(), lifetime.GetProperty("starts").GetDouble());
        Assert.InRange(cohort.GetProperty("shortRate").GetDouble(), 20 - Tolerance(0.20, starts), 20 + Tolerance(0.20, starts));
        Assert.InRange(cohort.GetProperty("sustainedRate").GetDouble(), 15 - Tolerance(0.15, starts), 15 + Tolerance(0.15, starts));
        double Share(string benefit) => report.GetProperty("byBenefit").EnumerateArray()
            .Single(r => r.GetProperty("key").GetString() == benefit).GetProperty("starts").GetDouble() * 100 / starts;
        Assert.InRange(Share("JSA"), 51 - Tolerance(0.51, starts), 51 + Tolerance(0.51, starts));
        Assert.InRange(Share("UC"), 18 - Tolerance(0.18, starts), 18 + Tolerance(0.18, starts));
        Assert.Equal(ParticipantFactory.Providers.Length, report.GetProperty("providers").GetArrayLength());
    }

    [Fact]
    public async Task Every_generated_record_is_marked_synthetic_and_purging_the_demo_removes_them_all()
    {
        await using var app = new SesApp(new DateTimeOffset(2024, 1, 1, 6, 0, 0, TimeSpan.Zero), settings: OwnStorage());
        var ops = app.Client(SesApp.OperatorKey);
        var programme = new DemoProgramme(ops, output.WriteLine);
        var result = await programme.RunAsync(new DemoOptions { Participants = 40, ReferralWeeks = 2, Until = new DateOnly(2024, 3, 4) });
        Assert.Empty(result.Refused);

        var journeys = (await Referrals.GetAsync(ops, "/api/journeys?pageSize=200")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(40, journeys.Length);
        foreach (var journey in journeys.Take(5))
        {
            var history = (await Referrals.GetAsync(ops, $"/api/journeys/{journey.GetProperty("journeyId").GetString()}/history"))
                .GetProperty("items")[0].GetProperty("data").GetProperty("referral");
            Assert.Equal(ParticipantFactory.ProvisionId, history.GetProperty("provisionId").GetString());
            Assert.StartsWith("SYNTHETIC-", history.GetProperty("participant").GetProperty("clientNumber").GetString());
        }

        Assert.Equal(40, await programme.PurgeAsync());
        Assert.Equal(0, (await Referrals.GetAsync(ops, "/api/journeys?pageSize=200")).GetProperty("items").GetArrayLength());
        var table = app.Service<Ses.Infrastructure.Storage.StorageClients>().Journeys;
        Assert.Empty(await table.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey"]).ToListAsync());
    }
}
