using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Infrastructure.Clock;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Timers;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>Timers survive a host dying mid-way and fire once in effect with several hosts (ADR 001).</summary>
public sealed class DurableTimerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AfterChase = new(2026, 3, 6, 9, 30, 0, TimeSpan.Zero);
    private FakeSendGrid _sendGrid = null!;

    public async Task InitializeAsync() => _sendGrid = await FakeSendGrid.StartAsync();

    public async Task DisposeAsync() => await _sendGrid.DisposeAsync();

    private static async Task<IReadOnlyList<string>> SeedAsync(SesApp app, int count)
    {
        var engine = app.Service<JourneyEngine>();
        var ids = Enumerable.Range(0, count).Select(_ => Referrals.NewId()).ToArray();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            var result = await engine.ExecuteAsync(id, now => new ReceiveReferral(id, Referral(id), now), ct: ct);
            Assert.True(result.Changed);
        });
        return ids;
    }

    private static Referral Referral(string id)
    {
        Nino.TryParse("JG103759A", out var nino, out _);
        var participant = new Participant("Ms", "Ada", "Quernsby", nino, null, null, null, null, null, true, Benefit.Uc, 0, null, null);
        return new Referral(id, "SES-MAIN", new DateOnly(2026, 3, 2), "prov-a", Region.EnglandAndWales, Channel.Prap, false, participant,
            new Contact("SPoC", "spoc@jcp.example"), null);
    }

    private async Task AssertEachChasedOnceAsync(SesApp app, IReadOnlyList<string> ids)
    {
        var store = app.Service<JourneyStore>();
        foreach (var id in ids)
        {
            var journey = (await store.GetAsync(id))!.Journey;
            Assert.Equal(DeadlineState.Missed, journey.Deadlines.Single(d => d.Kind == DeadlineKind.Ucpr1Chase).State);
            var history = await store.HistoryAsync(id).ToListAsync();
            Assert.Single(history, h => h.Event is TimerFired { Kind: DeadlineKind.Ucpr1Chase });
            var notification = Assert.Single(await store.NotificationsAsync(id));
            Assert.Equal(NotificationStatus.Sent, notification.Status);
            Assert.Single(_sendGrid.For(notification.NotificationId));
        }
    }

    [Fact]
    public async Task A_host_disposed_while_firing_a_thousand_deadlines_loses_none_and_sends_each_email_once()
    {
        var prefix = SesApp.NewPrefix();
        IReadOnlyList<string> ids;
        // Leases are real time: short ones, so the new host does not wait long for what the dead one held.
        var shortLeases = new Dictionary<string, string?>
        {
            ["Dispatcher:Lease"] = "00:00:02", ["Outbox:Lease"] = "00:00:03", ["Outbox:SendTimeout"] = "00:00:02",
        };
        await using (var first = new SesApp(AfterChase, _sendGrid.BaseUrl, shortLeases, prefix: prefix))
        {
            ids = await SeedAsync(first, 1000);
            using var dying = new CancellationTokenSource();
            var dispatcher = first.Service<TimerDispatcher>();
            var sender = first.Service<OutboxSender>();
            var run = dispatcher.RunDueAsync(dying.Token);
            var outbox = Task.Run(async () =>
            {
                while (!dying.IsCancellationRequested) await sender.RunOnceAsync(dying.Token);
            });
            await _sendGrid.WaitForAcceptedAsync(50, TimeSpan.FromSeconds(60));
            await dying.CancelAsync();
            try
            {
                await Task.WhenAll(run, outbox);
            }
            catch (OperationCanceledException)
            {
                // the host died mid-way, as intended
            }
        }
        Assert.InRange(_sendGrid.Accepted.Count, 1, 999);

        // A new host: it waits out the leases the dead one held, then fires and sends the rest.
        await using var second = new SesApp(AfterChase.AddMinutes(10), _sendGrid.BaseUrl, shortLeases, prefix: prefix);
        await second.AdvanceAsync("PT1M");
        Assert.True(await second.Service<OutboxSender>().DrainAsync(TimeSpan.FromSeconds(120)));
        await AssertEachChasedOnceAsync(second, ids);
        Assert.Equal(1000, _sendGrid.Accepted.Count);
    }

    [Fact]
    public async Task Two_hosts_dispatching_together_over_one_storage_fire_each_deadline_once()
    {
        var prefix = SesApp.NewPrefix();
        await using var one = new SesApp(AfterChase, _sendGrid.BaseUrl, prefix: prefix);
        await using var two = new SesApp(AfterChase, _sendGrid.BaseUrl, prefix: prefix);
        var ids = await SeedAsync(one, 200);

        await Task.WhenAll(
            one.Service<ClockService>().AdvanceToAsync(AfterChase.AddMinutes(1)),
            two.Service<ClockService>().AdvanceToAsync(AfterChase.AddMinutes(1)));
        Assert.True(await one.Service<OutboxSender>().DrainAsync(TimeSpan.FromSeconds(60)));

        await AssertEachChasedOnceAsync(one, ids);
        Assert.Equal(200, _sendGrid.Accepted.Count);
    }

    [Fact] // after an outage every overdue timer fires in one pass, each journey's in the order they were due
    public async Task Overdue_checkpoints_fire_in_order_in_one_dispatcher_pass()
    {
        await using var app = new SesApp(new DateTimeOffset(2027, 1, 15, 12, 0, 0, TimeSpan.Zero), _sendGrid.BaseUrl);
        var id = Referrals.NewId();
        var staff = app.Client(SesApp.ProviderAKey);
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        await Referrals.EventAsync(staff, id, new { type = "initial-assessment-held", occurredOn = "2026-03-03", recommendation = "main" });
        await Referrals.EventAsync(staff, id, new { type = "started", startOn = "2026-03-04" });
        await Referrals.EventAsync(staff, id, new { type = "left-early", leftOn = "2026-05-08" });
        await Referrals.EventAsync(staff, id, new { type = "job-started", startOn = "2026-05-11", hoursPerWeek = 25 });

        await app.Service<TimerDispatcher>().RunDueAsync();

        var journey = (await app.Service<JourneyStore>().GetAsync(id))!.Journey;
        Assert.Equal(new DateOnly(2026, 8, 10), journey.ShortOutcome.On);
        Assert.Equal(new DateOnly(2026, 11, 9), journey.SustainedOutcome.On);
        Assert.Equal(Closure.OutcomeComplete, journey.Closure);
        var history = await app.Service<JourneyStore>().HistoryAsync(id).ToListAsync();
        var decided = history.Select(h => h.Event).OfType<OutcomeDecided>().Select(o => o.Outcome).ToArray();
        Assert.Equal(new[] { Outcome.Short, Outcome.Sustained }, decided);
    }

    [Fact]
    public async Task Timers_fire_in_order_at_their_own_London_time_when_the_clock_jumps()
    {
        await using var app = new SesApp(Monday, _sendGrid.BaseUrl);
        var id = (await SeedAsync(app, 1)).Single();
        await app.AdvanceAsync("P3W");
        var history = await app.Service<JourneyStore>().HistoryAsync(id).ToListAsync();
        var fired = history.Select(h => h.Event).OfType<TimerFired>().ToArray();
        Assert.Equal(
            new[] { (DeadlineKind.Ucpr1Chase, TimerStep.Due), (DeadlineKind.FirstMeeting, TimerStep.Reminder), (DeadlineKind.FirstMeeting, TimerStep.Due) },
            fired.Select(f => (f.Kind, f.Step)));
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.Zero), fired[0].At);
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero), fired[1].At);
        Assert.Equal(new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.Zero), fired[2].At);
    }
}
