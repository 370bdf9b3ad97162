using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;
using Ses.Integration.Tests.Protection;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// ADR 007: every row key holds the journey ID (<c>…~{journeyId}</c>), and a journey written in the legacy layout (keys
/// without it) reads, carries on, keeps its eventIds used and its emails resendable.
/// </summary>
public sealed class RowKeyLayoutTests
{
    private static readonly DateTimeOffset Friday = new(2026, 3, 6, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_row_key_a_journey_writes_holds_its_journey_id_and_notification_ids_do_not()
    {
        await using var app = new SesApp(Friday);
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = app.Client(SesApp.ProviderAKey);
        await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", eventId = "ack", occurredOn = "2026-03-02" });
        await Referrals.EventAsync(staff, id, AssessmentHeld("ia-1"));
        var storage = app.Service<StorageClients>();
        var pointers = await OutboxPointersAsync(storage, id);
        await app.AdvanceAsync("PT1H");

        var keys = (await RowsAsync(storage.Journeys, id)).Select(r => r.RowKey).ToArray();
        Assert.All(keys, k => Assert.EndsWith($"~{id}", k));
        Assert.Single(keys, k => k == $"state~{id}");
        Assert.Contains(keys, k => k.StartsWith("h-00000001-000~", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("n-", StringComparison.Ordinal));
        Assert.Contains(keys, k => k == JourneyRows.LegacyEventKey("ack") + $"~{id}");
        Assert.Equal([$"data-key~{id}"], (await RowsAsync(storage.Keys, id)).Select(r => r.RowKey));

        // The ID seen outside (API, SendGrid idempotency key, outbox pointer) has no suffix.
        var notification = Assert.Single((await Referrals.GetAsync(staff, $"/api/journeys/{id}/notifications")).EnumerateArray(),
            n => n.GetProperty("template").GetString() == "uc452-part6");
        var notificationId = notification.GetProperty("notificationId").GetString()!;
        Assert.Equal($"{id}.n-00000003-000", notificationId);
        Assert.Contains($"n-00000003-000~{id}", keys);
        // Its pointer (if it is not delivered already: its committing host sends it at once) names it by that ID.
        Assert.All(pointers, p => Assert.DoesNotContain("~", p));
        Assert.False(notification.TryGetProperty("storedRowKey", out _));
    }

    [Fact]
    public async Task A_sealed_journey_in_the_legacy_layout_reads_takes_events_moves_its_state_row_and_keeps_its_history_in_order()
    {
        var prefix = SesApp.NewPrefix();
        var id = Referrals.NewId();
        await using (var writer = new SesApp(Friday, prefix: prefix))
        {
            await Referrals.CreateAsync(writer.Client(SesApp.ReferralKey), Referrals.Body(id));
            var staff = writer.Client(SesApp.ProviderAKey);
            await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", eventId = "ack", occurredOn = "2026-03-02" });
            await Referrals.EventAsync(staff, id, AssessmentHeld("ia-1"));
            await writer.AdvanceAsync("PT1H");
            await LegacyLayout.RewriteAsync(writer.Service<StorageClients>(), id);
        }
        // A new host: nothing cached, the data key too is read from its legacy row.
        await using var app = new SesApp(Friday, prefix: prefix);
        var storage = app.Service<StorageClients>();
        Assert.Contains(await RowsAsync(storage.Journeys, id), r => r.RowKey == "state");
        Assert.DoesNotContain(await RowsAsync(storage.Journeys, id), r => r.RowKey.Contains('~'));
        Assert.Equal(["data-key"], (await RowsAsync(storage.Keys, id)).Select(r => r.RowKey));

        var officer = app.Client(SesApp.OfficerKey);
        var journey = await Referrals.GetAsync(officer, $"/api/journeys/{id}");
        Assert.Equal("Quernsby", journey.GetProperty("referral").GetProperty("participant").GetProperty("surname").GetString());
        var version = journey.GetProperty("version").GetInt32();
        Assert.True(version >= 3, $"version {version}");
        var legacyHistory = await HistoryAsync(officer, id);

        var staffNow = app.Client(SesApp.ProviderAKey);
        var started = await Referrals.EventAsync(staffNow, id, new { type = "started", eventId = "s-1", startOn = "2026-03-06" });
        Assert.True(started.GetProperty("applied").GetBoolean());
        Assert.Equal(version + 1, started.GetProperty("version").GetInt32());

        var rows = await RowsAsync(storage.Journeys, id);
        var state = Assert.Single(rows, r => r.RowKey.StartsWith("state", StringComparison.Ordinal));
        Assert.Equal($"state~{id}", state.RowKey);
        Assert.Equal(true, state.GetBoolean(JourneyRows.LegacyRowsColumn));
        Assert.DoesNotContain("Quernsby", JourneyRows.ReadStateJson(state)); // still sealed, with the legacy row's data key
        Assert.Equal(["data-key"], (await RowsAsync(storage.Keys, id)).Select(r => r.RowKey)); // no second key
        Assert.Contains(rows, r => r.RowKey == $"{JourneyRows.HistoryPrefix}{version + 1:D8}-000~{id}");
        Assert.Contains(rows, r => r.RowKey == "h-00000001-000");

        var history = await HistoryAsync(officer, id);
        Assert.Equal(legacyHistory, history.Take(legacyHistory.Length));
        Assert.True(history.Length > legacyHistory.Length);
        Assert.Equal(history.Select(h => h.Version).Order(), history.Select(h => h.Version));
        Assert.Equal(version + 1, history[^1].Version);
        var page = await Referrals.GetAsync(officer, $"/api/journeys/{id}/history?pageSize=2");
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());

        journey = await Referrals.GetAsync(officer, $"/api/journeys/{id}");
        Assert.Equal("on-provision", journey.GetProperty("phase").GetString());
        Assert.Equal("Quernsby", journey.GetProperty("referral").GetProperty("participant").GetProperty("surname").GetString());
    }

    [Fact] // issue 9: a referral is decided without reading; sent again for a journey whose data key has the legacy form
    public async Task A_referral_sent_again_for_a_legacy_journey_answers_as_before_and_leaves_it_readable_with_one_key()
    {
        var prefix = SesApp.NewPrefix();
        var id = Referrals.NewId();
        await using (var writer = new SesApp(Friday, prefix: prefix))
        {
            await Referrals.CreateAsync(writer.Client(SesApp.ReferralKey), Referrals.Body(id));
            await LegacyLayout.RewriteAsync(writer.Service<StorageClients>(), id);
        }
        await using var app = new SesApp(Friday, prefix: prefix);
        var storage = app.Service<StorageClients>();

        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id), System.Net.HttpStatusCode.OK);

        Assert.Equal(["data-key"], (await RowsAsync(storage.Keys, id)).Select(r => r.RowKey)); // the key made on the way is gone
        await using var fresh = new SesApp(Friday, prefix: prefix); // nothing cached
        var journey = await Referrals.GetAsync(fresh.Client(SesApp.OfficerKey), $"/api/journeys/{id}");
        Assert.Equal("Quernsby", journey.GetProperty("referral").GetProperty("participant").GetProperty("surname").GetString());
        var again = await Referrals.GetAsync(app.Client(SesApp.OfficerKey), $"/api/journeys/{id}"); // and the host that answered
        Assert.Equal("Quernsby", again.GetProperty("referral").GetProperty("participant").GetProperty("surname").GetString());
    }

    [Fact]
    public async Task A_plain_journey_of_the_previous_format_moves_its_state_row_on_its_next_event()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 16, 10, 0, 0, TimeSpan.Zero));
        var storage = app.Service<StorageClients>();
        await storage.EnsureCreatedAsync();
        const string id = "200987654";
        foreach (var row in PreviousFormat.Rows()) await storage.Journeys.AddEntityAsync(row);
        Assert.Contains(await RowsAsync(storage.Journeys, id), r => r.RowKey == "state");
        var officer = app.Client(SesApp.OfficerKey);
        var before = await HistoryAsync(officer, id);

        await Referrals.EventAsync(app.Client(SesApp.ProviderAKey), id, new { type = "started", eventId = "s-1", startOn = "2026-03-16" });

        var rows = await RowsAsync(storage.Journeys, id);
        Assert.Equal([$"state~{id}"], rows.Where(r => r.RowKey.StartsWith("state", StringComparison.Ordinal)).Select(r => r.RowKey));
        var history = await HistoryAsync(officer, id);
        Assert.Equal(before, history.Take(before.Length));
        Assert.Equal(history.Select(h => h.Version).Order(), history.Select(h => h.Version));
        Assert.Equal([$"data-key~{id}"], (await RowsAsync(storage.Keys, id)).Select(r => r.RowKey)); // its first key
        var list = await Referrals.GetAsync(app.Client(SesApp.OperatorKey), "/api/journeys?pageSize=200");
        Assert.Single(list.GetProperty("items").EnumerateArray(), j => j.GetProperty("journeyId").GetString() == id);
    }

    [Fact]
    public async Task An_eventId_recorded_under_its_legacy_key_is_still_used_before_and_after_the_state_row_moves()
    {
        await using var app = new SesApp(Friday);
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = app.Client(SesApp.ProviderAKey);
        var ack = new { type = "prap-acknowledged", eventId = "ack", occurredOn = "2026-03-02" };
        await Referrals.EventAsync(staff, id, ack);
        await LegacyLayout.RewriteAsync(app.Service<StorageClients>(), id);

        // prap-acknowledged may be reported again under a new eventId, so only the used eventId stops these.
        var retry = await Referrals.EventAsync(staff, id, ack); // the state row is still legacy
        Assert.False(retry.GetProperty("applied").GetBoolean());
        Assert.Equal(2, retry.GetProperty("version").GetInt32());

        var other = await Referrals.EventAsync(staff, id, ack with { eventId = "ack-2" }); // moves the state row
        Assert.True(other.GetProperty("applied").GetBoolean());
        Assert.Equal(3, other.GetProperty("version").GetInt32());
        Assert.DoesNotContain(await RowsAsync(app.Service<StorageClients>().Journeys, id), r => r.RowKey == "state");

        retry = await Referrals.EventAsync(staff, id, ack);
        Assert.False(retry.GetProperty("applied").GetBoolean());
        Assert.Equal(3, retry.GetProperty("version").GetInt32());
        await Referrals.EventAsync(staff, id, ack with { occurredOn = "2026-03-03" }, HttpStatusCode.Conflict); // same eventId, other event
        var retries = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Referrals.EventAsync(staff, id, ack)));
        Assert.All(retries, r => Assert.False(r.GetProperty("applied").GetBoolean()));
        Assert.Equal(3, (await Referrals.GetAsync(staff, $"/api/journeys/{id}")).GetProperty("version").GetInt32());
        var reported = (await HistoryAsync(app.Client(SesApp.OfficerKey), id)).Count(h => h.Kind == "event-reported:prap-acknowledged");
        Assert.Equal(2, reported);
    }

    [Fact]
    public async Task Concurrent_events_on_a_legacy_journey_lose_nothing_and_apply_nothing_twice()
    {
        await using var app = new SesApp(Friday);
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = app.Client(SesApp.ProviderAKey);
        await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", eventId = "ack", occurredOn = "2026-03-02" });
        await LegacyLayout.RewriteAsync(app.Service<StorageClients>(), id);

        // Two hosts on one storage account: the in-process queue per journey does not order them, the ETag does.
        await using var other = new SesApp(Friday, prefix: app.Prefix);
        var otherStaff = other.Client(SesApp.ProviderAKey);
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            (i % 2 == 0 ? staff : otherStaff).PostAsJsonAsync($"/api/journeys/{id}/events",
                new { type = "prap-acknowledged", eventId = i % 3 == 0 ? "ack" : $"ack-{i}", occurredOn = "2026-03-02" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var journey = await Referrals.GetAsync(staff, $"/api/journeys/{id}");
        Assert.Equal(2 + 8, journey.GetProperty("version").GetInt32()); // 4 of the 12 reuse "ack"
        var reported = (await HistoryAsync(app.Client(SesApp.OfficerKey), id)).Where(h => h.Kind == "event-reported:prap-acknowledged").ToArray();
        Assert.Equal(9, reported.Length);
        Assert.Equal(Enumerable.Range(2, 9), reported.Select(h => h.Version).Order());
        var states = (await RowsAsync(app.Service<StorageClients>().Journeys, id)).Where(r => r.RowKey.StartsWith("state", StringComparison.Ordinal));
        Assert.Equal([$"state~{id}"], states.Select(r => r.RowKey));
    }

    [Fact]
    public async Task The_list_finds_journeys_of_both_layouts_and_a_purge_removes_both_key_forms()
    {
        await using var app = new SesApp(Friday);
        var legacy = Referrals.NewId();
        var current = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(legacy));
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(current));
        var storage = app.Service<StorageClients>();
        await LegacyLayout.RewriteAsync(storage, legacy);
        // A data key row under each form: the purge must shred both.
        var legacyKeyRow = (await storage.Keys.GetEntityAsync<TableEntity>(legacy, JourneyKeyStore.LegacyRowKey)).Value;
        legacyKeyRow.RowKey = JourneyKeyStore.RowKey(legacy);
        await storage.Keys.AddEntityAsync(legacyKeyRow);

        var ops = app.Client(SesApp.OperatorKey);
        var ids = (await Referrals.GetAsync(ops, "/api/journeys?pageSize=200")).GetProperty("items").EnumerateArray()
            .Select(j => j.GetProperty("journeyId").GetString()).ToArray();
        Assert.Equal(1, ids.Count(i => i == legacy));
        Assert.Equal(1, ids.Count(i => i == current));
        var page = await Referrals.GetAsync(ops, "/api/journeys?pageSize=1");
        Assert.Single(page.GetProperty("items").EnumerateArray());
        var statistics = await ops.GetAsync("/api/reports/statistics");
        Assert.True(statistics.IsSuccessStatusCode, $"{(int)statistics.StatusCode}");

        (await ops.PostAsJsonAsync($"/api/journeys/{legacy}/terminate", new { reason = "referred in error (13.32)" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/journeys/{legacy}")).StatusCode);
        Assert.Empty(await RowsAsync(storage.Keys, legacy));
        Assert.Empty(await RowsAsync(storage.Journeys, legacy));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync($"/api/journeys/{legacy}")).StatusCode);
    }

    private static object AssessmentHeld(string eventId) => new
    {
        type = "initial-assessment-held", eventId, occurredOn = "2026-03-05", recommendation = "main",
        anticipatedStartOn = "2026-03-16", anticipatedEndOn = "2027-03-12",
    };

    internal sealed record Entry(int Version, string Kind, string Data);

    internal static async Task<Entry[]> HistoryAsync(HttpClient client, string id) =>
        (await Referrals.GetAsync(client, $"/api/journeys/{id}/history?pageSize=200")).GetProperty("items").EnumerateArray()
        .Select(h => new Entry(h.GetProperty("version").GetInt32(), h.GetProperty("kind").GetString()!, h.GetProperty("data").GetRawText()))
        .ToArray();

    internal static async Task<List<TableEntity>> RowsAsync(TableClient table, string partition) =>
        await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")).ToListAsync();

    /// <summary>The notification IDs of the journey's outbox pointers (issue 9: in the index partition, RowKey <c>o|{notificationId}</c>).</summary>
    private static async Task<string[]> OutboxPointersAsync(StorageClients storage, string id) =>
        (await storage.Index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {OutboxIndex.Partition} and RowKey ge {OutboxIndex.Key(id + ".")} and RowKey lt {OutboxIndex.Key(id + "/")}")).ToListAsync())
        .Select(r => r.GetString("NotificationId")).ToArray();
}

/// <summary>Rewrites a journey's rows as the code before ADR 007 wrote them: the same rows under keys without <c>~{journeyId}</c>.</summary>
public static class LegacyLayout
{
    public static async Task RewriteAsync(StorageClients storage, string journeyId)
    {
        foreach (var table in new[] { storage.Journeys, storage.Keys })
        {
            var rows = await RowKeyLayoutTests.RowsAsync(table, journeyId);
            foreach (var row in rows.Where(r => r.RowKey.EndsWith($"~{journeyId}", StringComparison.Ordinal)))
            {
                var legacy = new TableEntity(row.PartitionKey, row.RowKey[..row.RowKey.IndexOf('~')]);
                foreach (var (name, value) in row)
                {
                    if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" or JourneyRows.LegacyRowsColumn)) legacy[name] = value;
                }
                await table.AddEntityAsync(legacy);
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag);
            }
        }
    }
}

/// <summary>ADR 007: an email stored under its legacy key is sent, failed, alerted and resent where it lives, under the same ID.</summary>
public sealed class RowKeyLayoutSendGridTests : IAsyncLifetime
{
    private FakeSendGrid _sendGrid = null!;
    private SesApp _app = null!;

    public async Task InitializeAsync()
    {
        _sendGrid = await FakeSendGrid.StartAsync();
        _app = new SesApp(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), _sendGrid.BaseUrl,
            new Dictionary<string, string?> { ["Outbox:RetryHorizon"] = "00:00:01.500", ["Outbox:ClockMoveWait"] = "00:00:05" });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sendGrid.DisposeAsync();
    }

    [Fact]
    public async Task A_legacy_notification_fails_is_resent_and_delivered_once_under_its_id_in_its_own_row()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        _sendGrid.FailAll(500);
        await _app.AdvanceAsync("P5D");
        await _app.Service<OutboxSender>().DrainAsync(TimeSpan.FromSeconds(10));
        var storage = _app.Service<StorageClients>();
        await LegacyLayout.RewriteAsync(storage, id);

        var ops = _app.Client(SesApp.OperatorKey);
        var listed = (await Referrals.GetAsync(ops, $"/api/journeys/{id}/notifications")).EnumerateArray().ToArray();
        var chase = Assert.Single(listed, n => n.GetProperty("template").GetString() == "ucpr1-chase");
        var chaseId = chase.GetProperty("notificationId").GetString()!;
        Assert.Equal("failed", chase.GetProperty("status").GetString());
        var (_, chaseKey) = Notification.Split(chaseId);
        Assert.Contains(await RowKeyLayoutTests.RowsAsync(storage.Journeys, id), r => r.RowKey == chaseKey); // legacy: no suffix

        // Resent while _sendGrid still fails: it fails again in its legacy row, with a second alert in a new one.
        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync($"/api/journeys/{id}/notifications/{chaseId}/resend", null)).StatusCode);
        await _app.Service<OutboxSender>().DrainAsync(TimeSpan.FromSeconds(10));
        var store = _app.Service<JourneyStore>();
        Assert.Equal(NotificationStatus.Failed, Assert.Single(await store.NotificationsAsync(id), n => n.NotificationId == chaseId).Status);

        _sendGrid.Recover();
        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync($"/api/journeys/{id}/notifications/{chaseId}/resend", null)).StatusCode);
        Assert.True(await _app.Service<OutboxSender>().DrainAsync(TimeSpan.FromSeconds(10)));

        var sent = Assert.Single(_sendGrid.For(chaseId)); // the idempotency key is the ID, with no row key suffix
        Assert.DoesNotContain("~", sent.NotificationId);
        var emails = await store.NotificationsAsync(id);
        var resent = Assert.Single(emails, n => n.NotificationId == chaseId);
        Assert.Equal(NotificationStatus.Sent, resent.Status);
        Assert.Equal(2, resent.Resends);
        Assert.Equal(2, emails.Count(n => n.Template == Notification.AlertTemplate));
        var keys = (await RowKeyLayoutTests.RowsAsync(storage.Journeys, id)).Select(r => r.RowKey).ToArray();
        Assert.Contains(chaseKey, keys);
        Assert.DoesNotContain($"{chaseKey}~{id}", keys); // updated where it lives, never copied
        Assert.Contains($"{chaseKey}-alert1~{id}", keys);
        Assert.Contains($"{chaseKey}-alert0", keys);
    }
}
