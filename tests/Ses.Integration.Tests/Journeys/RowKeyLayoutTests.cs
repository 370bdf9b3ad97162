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
/// ADR 007: every row key the journeys write holds the journey ID (<c>…~{journeyId}</c>); the IDs seen outside do not.
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
        Assert.Matches($@"^{id}\.n-\d{{8}}-\d{{3}}$", notificationId);
        Assert.Contains($"{notificationId[(id.Length + 1)..]}~{id}", keys);
        Assert.False(notification.TryGetProperty("storedRowKey", out _));
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
}
