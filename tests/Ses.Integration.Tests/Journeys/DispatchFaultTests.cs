using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Infrastructure.Timers;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>Dispatch under faults made to happen deterministically: the write-ahead race, a broken journey, a hanging SendGrid.</summary>
public sealed class DispatchFaultTests : IAsyncLifetime
{
    private FakeSendGrid _sendGrid = null!;

    public async Task InitializeAsync() => _sendGrid = await FakeSendGrid.StartAsync();

    public async Task DisposeAsync() => await _sendGrid.DisposeAsync();

    [Fact] // issue 7: a timer already due when written, taken by another host before its commit lands, was lost
    public async Task A_timer_taken_by_another_host_before_its_commit_lands_is_left_for_later_not_lost()
    {
        // A back-out notified late (13.35): its 24-hour PRaP cancel deadline is due the moment it is written.
        var now = new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
        var recheckAtOnce = new Dictionary<string, string?> { ["Dispatcher:BehindRecheck"] = "00:00:00" };
        await using var writer = new SesApp(now, _sendGrid.BaseUrl, recheckAtOnce);
        await using var other = new SesApp(now, _sendGrid.BaseUrl, recheckAtOnce, prefix: writer.Prefix);
        var id = Referrals.NewId(universalCredit: false);
        var staff = writer.Client(SesApp.ProviderAKey);
        await Referrals.CreateAsync(writer.Client(SesApp.ReferralKey), Referrals.Body(id, benefit: "JSA"));
        await Referrals.EventAsync(staff, id, new { type = "initial-assessment-held", occurredOn = "2026-03-03", recommendation = "main" });
        await Referrals.EventAsync(staff, id, new { type = "started", startOn = "2026-03-04" });
        await Referrals.EventAsync(staff, id, new { type = "isp-agreed", occurredOn = "2026-03-05", reviewIntervalWeeks = 52 });
        // The wake-ups of the deadlines met meanwhile move on to the next step (in 2027): the back-out's deadline is then the
        // journey's earliest, and its wake-up is written ahead of the commit, the window this test races.
        Assert.Equal(0, await other.Service<TimerDispatcher>().RunDueAsync());
        DispatchPass? raced = null;
        writer.Service<JourneyEngine>().BeforeCommit = async journeyId =>
        {
            if (journeyId == id && raced is null) raced = await other.Service<TimerDispatcher>().RunPassAsync();
        };

        await Referrals.EventAsync(staff, id, new { type = "backed-out-notified", occurredAt = "2026-03-30T10:00:00Z" });
        writer.Service<JourneyEngine>().BeforeCommit = null;

        Assert.NotNull(raced);
        Assert.Equal(0, raced!.Fired);
        Assert.True(raced.Waiting >= 1, "the other host must leave the timer of the uncommitted decision alone");
        Assert.Equal(1, await other.Service<TimerDispatcher>().RunDueAsync()); // the other host again, once the commit has landed
        var journey = (await other.Service<JourneyStore>().GetAsync(id))!.Journey;
        Assert.Equal(DeadlineState.Missed, journey.Deadlines.Single(d => d.Kind == DeadlineKind.PrapCancel).State);
    }

    [Fact] // one journey that cannot be loaded is reported and skipped; the clock move still answers and the others fire
    public async Task A_broken_journey_never_stops_the_dispatcher_serving_the_others()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), _sendGrid.BaseUrl);
        var ids = new[] { Referrals.NewId(), Referrals.NewId(), Referrals.NewId() };
        foreach (var id in ids) await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var table = app.Service<StorageClients>().Journeys;
        await table.UpdateEntityAsync(new TableEntity(ids[1], JourneyRows.StateKey(ids[1])) { ["State"] = "{ this is not a journey" }, Azure.ETag.All, TableUpdateMode.Merge);

        var move = await app.AdvanceAsync("P5D");

        Assert.True(move.GetProperty("skipped").GetInt32() >= 1);
        foreach (var id in new[] { ids[0], ids[2] })
        {
            var journey = (await app.Service<JourneyStore>().GetAsync(id))!.Journey;
            Assert.Equal(DeadlineState.Missed, journey.Deadlines.Single(d => d.Kind == DeadlineKind.Ucpr1Chase).State);
        }
        Assert.Equal(2, _sendGrid.Accepted.Count);
        Assert.Contains(app.Logs, l => l.Contains(ids[1]) && l.Contains("parked"));
    }

    [Fact] // issue 7: SendGrid hanging used to stall every deadline and make a clock move answer a false 503
    public async Task A_hanging_SendGrid_delays_only_emails_and_each_is_delivered_once_after_it_recovers()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), _sendGrid.BaseUrl, new Dictionary<string, string?>
        {
            ["Outbox:SendTimeout"] = "00:00:01", ["Outbox:ClockMoveWait"] = "00:00:02", ["Outbox:Concurrency"] = "2",
        });
        var ids = Enumerable.Range(0, 6).Select(_ => Referrals.NewId()).ToArray();
        foreach (var id in ids) await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        _sendGrid.Hang();

        var move = await app.AdvanceAsync("P3W"); // chase, first-meeting reminder and alert for each: 18 emails

        Assert.Equal(18, move.GetProperty("fired").GetInt32());
        Assert.False(move.GetProperty("emailsDelivered").GetBoolean());
        var store = app.Service<JourneyStore>();
        foreach (var id in ids)
        {
            var fired = (await store.HistoryAsync(id).ToListAsync()).Select(h => h.Event).OfType<TimerFired>().ToArray();
            Assert.Equal(new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.Zero), fired[0].At); // stamped with its own time
            Assert.Equal(3, fired.Length);
        }
        Assert.Empty(_sendGrid.Accepted);
        Assert.InRange(_sendGrid.InProgress, 1, 2); // bounded: never more sends in flight than Outbox:Concurrency

        _sendGrid.Recover();
        Assert.True(await app.Service<OutboxSender>().DrainAsync(TimeSpan.FromSeconds(30)));
        var notifications = new List<Notification>();
        foreach (var id in ids) notifications.AddRange(await store.NotificationsAsync(id));
        Assert.Equal(18, notifications.Count);
        Assert.All(notifications, n => Assert.Equal(NotificationStatus.Sent, n.Status));
        Assert.All(notifications, n => Assert.Single(_sendGrid.For(n.NotificationId)));
        Assert.Empty(_sendGrid.Duplicates);
    }
}
