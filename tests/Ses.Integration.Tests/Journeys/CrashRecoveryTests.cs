using Ses.Domain;
using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Timers;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// The crash windows of ADR 001, each made to happen: a losing writer writes nothing; a timer or outbox pointer written
/// ahead of a commit that never happened does nothing and is cleaned up.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly SesApp _app = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private string _id = null!;

    public async Task InitializeAsync()
    {
        _id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(_id));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<List<HistoryEntry>> HistoryAsync() => _app.Service<JourneyStore>().HistoryAsync(_id).ToListAsync().AsTask();

    [Fact]
    public async Task A_writer_holding_a_stale_ETag_writes_neither_state_nor_history()
    {
        var store = _app.Service<JourneyStore>();
        var stale = (await store.GetAsync(_id))!;
        await Referrals.EventAsync(_app.Client(SesApp.ProviderAKey), _id, new { type = "prap-acknowledged", occurredOn = "2026-03-02" });
        var before = await HistoryAsync();

        var loser = stale.Journey with { Version = stale.Journey.Version + 1 };
        var events = new JourneyEvent[] { new WarningRaised("from the losing writer") };
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CommitAsync(stale, loser, new Commit(events, [], null, DateTimeOffset.UtcNow)));

        Assert.Equal(before.Count, (await HistoryAsync()).Count);
        Assert.Equal(2, (await store.GetAsync(_id))!.Journey.Version);
    }

    [Fact]
    public async Task A_timer_written_ahead_of_a_commit_that_never_happened_does_nothing_and_is_removed()
    {
        // A host scheduled a deadline's timer, then died before committing the decision that scheduled it.
        var orphan = new TimerSpec(DeadlineKind.IspAgreed, new DateOnly(2026, 3, 3), TimerStep.Due, LondonTime.At(new DateOnly(2026, 3, 3), new TimeOnly(0, 0)));
        var next = (await _app.Service<JourneyStore>().GetAsync(_id))!.Journey.Version + 1;
        await _app.Service<TimerIndex>().ScheduleAsync(_id, next, [orphan], DateTimeOffset.UtcNow.AddHours(-1));
        var before = await HistoryAsync();

        await _app.AdvanceAsync("P1D");

        Assert.Equal(before.Count, (await HistoryAsync()).Count);
        var row = await _app.Service<Ses.Infrastructure.Storage.StorageClients>().Timers
            .GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(TimerIndex.Bucket(orphan.FireAt), TimerIndex.Key(_id, orphan));
        Assert.False(row.HasValue);
        Assert.DoesNotContain((await _app.Service<JourneyStore>().GetAsync(_id))!.Journey.Deadlines, d => d.Kind == DeadlineKind.IspAgreed);
    }

    [Fact]
    public async Task An_outbox_pointer_whose_notification_was_never_committed_is_dropped_without_sending()
    {
        // A host wrote the pointer for version 2's email, then died before the commit; the journey moved on without it.
        var journeyVersion = (await _app.Service<JourneyStore>().GetAsync(_id))!.Journey.Version;
        var ghost = new Notification(Notification.IdFor(_id, JourneyRows.NotificationKey(journeyVersion, 7)), _id, "uc452-part6",
            ["ucsc@dwp.example"], "s", "b", NotificationStatus.Queued, 0, DateTimeOffset.UtcNow, null, null);
        var outbox = _app.Service<OutboxIndex>();
        await outbox.EnqueueAsync([ghost], journeyVersion, DateTimeOffset.UtcNow);

        await _app.Service<OutboxSender>().RunOnceAsync();

        Assert.Empty(await outbox.DueAsync(DateTimeOffset.UtcNow.AddDays(1)).ToListAsync());
        Assert.Empty(await _app.Service<JourneyStore>().NotificationsAsync(_id));
    }
}
