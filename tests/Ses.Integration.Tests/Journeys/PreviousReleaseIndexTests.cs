using Azure;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Infrastructure.Timers;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// Issue 9 changes where timers and outbox pointers live. Rows written by the release before (one timer row per step in the
/// timers table, a state row without <c>WakeAt</c>, pointers in the outbox table's <c>pending</c> partition) must still
/// fire and deliver, once each, and the journey moves to a wake-up row as it goes.
/// </summary>
public sealed class PreviousReleaseIndexTests : SendGridAppTest
{
    /// <summary>Rewrites a journey as the release before left it: its timers stored per step, no wake-up, no WakeAt.</summary>
    private async Task AsPreviousReleaseAsync(string id)
    {
        var storage = App.Service<StorageClients>();
        var state = (await storage.Journeys.GetEntityAsync<TableEntity>(id, JourneyRows.StateKey(id))).Value;
        Assert.True(state.Remove("WakeAt"));
        await storage.Journeys.UpdateEntityAsync(state, state.ETag, TableUpdateMode.Replace);
        await App.Service<WakeUps>().DeleteJourneyAsync(id);
        var journey = (await App.Service<JourneyStore>().GetAsync(id))!.Journey;
        var rules = App.Service<JourneyRules>();
        var reminders = App.Service<ReminderOptions>();
        var steps = journey.Deadlines.SelectMany(d => TimerPlan.ToSchedule(d, journey.Referral.Region, rules.Calendar, reminders.TimeOfDay, Monday));
        await App.Service<TimerIndex>().ScheduleAsync(id, journey.Version, steps, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Timer_rows_of_the_previous_release_fire_once_and_the_journey_moves_to_a_wake_up()
    {
        var ids = new[] { Referrals.NewId(), Referrals.NewId() };
        foreach (var id in ids) await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        await AsPreviousReleaseAsync(ids[0]);

        var move = await App.AdvanceAsync("P5D"); // each UCPR1 chase fires: one from a timer row, one from a wake-up

        Assert.Equal(2, move.GetProperty("fired").GetInt32());
        var store = App.Service<JourneyStore>();
        foreach (var id in ids)
        {
            var history = await store.HistoryAsync(id).ToListAsync();
            Assert.Single(history, h => h.Event is TimerFired { Kind: DeadlineKind.Ucpr1Chase });
            var chase = Assert.Single(await store.NotificationsAsync(id));
            Assert.Single(SendGrid.For(chase.NotificationId));
            var stored = (await store.GetAsync(id))!;
            Assert.NotNull(stored.WakeAt); // the journey's first commit since wrote its wake-up
        }
        var index = App.Service<StorageClients>().Index;
        var wakes = await index.QueryAsync<TableEntity>(w => w.PartitionKey == "j").Where(w => w.RowKey.StartsWith("w|")).ToListAsync();
        Assert.Contains(wakes, w => w.GetString("JourneyId") == ids[0]);

        // The first meeting's reminder and alert of the converted journey fire from its old rows and its wake-up, once each.
        await App.AdvanceAsync("P3W");
        var fired = (await store.HistoryAsync(ids[0]).ToListAsync()).Select(h => h.Event).OfType<TimerFired>()
            .Where(f => f.Kind == DeadlineKind.FirstMeeting).Select(f => f.Step).ToArray();
        Assert.Equal(new[] { TimerStep.Reminder, TimerStep.Due }, fired);
    }

    [Fact]
    public async Task A_pointer_of_the_previous_release_is_delivered_once_and_leaves_nothing_behind()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        SendGrid.FailAll(503);
        await App.AdvanceAsync("P5D"); // the chase fires; its email fails and waits for a retry
        var storage = App.Service<StorageClients>();
        var store = App.Service<JourneyStore>();
        var chase = Assert.Single(await store.NotificationsAsync(id));
        // As the release before kept it: a pointer in the outbox table's pending partition, with EnqueuedAt only.
        await storage.Index.DeleteEntityAsync(OutboxIndex.Partition, OutboxIndex.Key(chase.NotificationId), ETag.All);
        await storage.Outbox.UpsertEntityAsync(new TableEntity(OutboxIndex.LegacyPending, chase.NotificationId)
        {
            ["Version"] = 1, ["EnqueuedAt"] = DateTimeOffset.UtcNow.AddMinutes(-1),
        });
        var found = (await store.GetNotificationAsync(chase.NotificationId))!.Value;
        await store.UpdateNotificationAsync(found.Notification with { Status = NotificationStatus.Queued, NextAttemptAt = null }, found.ETag);
        SendGrid.Recover();

        Assert.True(await App.Service<OutboxSender>().DrainAsync(TimeSpan.FromSeconds(30)));

        Assert.Single(SendGrid.For(chase.NotificationId));
        Assert.Equal(NotificationStatus.Sent, (await store.GetNotificationAsync(chase.NotificationId))!.Value.Notification.Status);
        Assert.Empty(await storage.Outbox.QueryAsync<TableEntity>(r => r.PartitionKey == OutboxIndex.LegacyPending).ToListAsync());
        Assert.False((await storage.Index.GetEntityIfExistsAsync<TableEntity>(OutboxIndex.Partition, OutboxIndex.Key(chase.NotificationId))).HasValue);
    }
}
