using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// A journey that lives through many events (issue 16): each step ends in ContinueAsNew, so neither the task hub's rows nor
/// the product's grow with the journey's age. Ten thousand events run on the in-memory test host (Ses.Journeys.Tests);
/// here, on Azurite through the API, the rows as stored.
/// </summary>
public sealed class LongJourneyTests(ITestOutputHelper output)
{
    private const int Events = 300;

    [Fact]
    public async Task Three_hundred_events_are_each_answered_within_the_reply_bound_and_the_largest_stored_row_does_not_grow()
    {
        await using var app = new SesApp();
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var provider = app.Client(SesApp.ProviderAKey);
        var slowest = TimeSpan.Zero;
        IReadOnlyDictionary<string, int> at100 = new Dictionary<string, int>();
        var historyAt100 = 0;
        for (var i = 1; i <= Events; i++)
        {
            // Rebooking the initial assessment: an event a journey can take any number of times (its deadline is replaced).
            var clock = Stopwatch.StartNew();
            var response = await provider.PostAsJsonAsync($"/api/journeys/{id}/events",
                new { type = "initial-assessment-booked", eventId = $"b{i}", occurredOn = "2026-03-02", appointmentOn = $"2026-03-0{3 + i % 5}" });
            clock.Stop();
            // 200 with the decision: answered within the handler's bound (beyond it, it would be a 202 to poll).
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"event {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (clock.Elapsed > slowest) slowest = clock.Elapsed;
            if (i == 100) (at100, historyAt100) = await LargestRowsAsync(app, id);
        }
        var (atEnd, historyAtEnd) = await LargestRowsAsync(app, id);
        output.WriteLine($"{Events} events: slowest answer {slowest.TotalMilliseconds:F0} ms; task hub History rows of the instance {historyAt100} after 100, {historyAtEnd} after {Events}");
        foreach (var (kind, bytes) in atEnd) output.WriteLine($"  largest {kind}: {at100.GetValueOrDefault(kind)} bytes after 100, {bytes} after {Events}");

        // Every kind of row (the journey's state, its listing, its history rows, the task hub's Instances and History rows)
        // is as large after 300 events as after 100, up to the digits of a version number: none carries the journey's past.
        Assert.Contains(at100.Keys, k => k.Contains("Instances", StringComparison.Ordinal));
        Assert.Contains(at100.Keys, k => k.Contains("state", StringComparison.Ordinal));
        foreach (var (kind, bytes) in at100) Assert.True(atEnd[kind] <= bytes + 64, $"{kind}: {bytes} bytes after 100 events, {atEnd[kind]} after {Events}");
        // One step's history at a time: ContinueAsNew leaves only the current execution's rows.
        Assert.InRange(historyAtEnd, 1, historyAt100 + 8);
    }

    /// <summary>
    /// The largest row of each kind (table, and row key without the journey ID and digits) of the journey among every table
    /// of the app's prefix, the product's and the task hub's, in bytes as stored (property names and values); and how many
    /// History rows the task hub keeps for its instance.
    /// </summary>
    private static async Task<(IReadOnlyDictionary<string, int> Largest, int HistoryRows)> LargestRowsAsync(SesApp app, string id)
    {
        var storage = app.Service<StorageClients>();
        var largest = new Dictionary<string, int>();
        var history = 0;
        await foreach (var table in storage.Service.QueryAsync())
        {
            if (!table.Name.StartsWith(app.Prefix, StringComparison.Ordinal)) continue;
            await foreach (var row in storage.Service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                if (!row.PartitionKey.Contains(id, StringComparison.Ordinal) && !row.RowKey.Contains(id, StringComparison.Ordinal)) continue;
                if (table.Name.EndsWith("History", StringComparison.Ordinal)) history++;
                var bytes = row.Sum(p => p.Key.Length + p.Value switch
                {
                    byte[] b => b.Length,
                    string s => s.Length,
                    null => 0,
                    _ => 8,
                });
                var kind = table.Name[app.Prefix.Length..] + ":" + Regex.Replace(row.RowKey.Replace(id, "", StringComparison.Ordinal), "[0-9A-Fa-f]{16,}|[0-9]", "");
                largest[kind] = Math.Max(largest.GetValueOrDefault(kind), bytes);
            }
        }
        return (largest, history);
    }
}
