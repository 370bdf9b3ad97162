using System.Diagnostics;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// A journey that grows (issue 7): at about 3,200 events the old state row passed Azure's 1 MiB entity limit and every
/// event, and every clock move, answered 500. Ten thousand real events through the engine, each with its eventId.
/// </summary>
public sealed class LongJourneyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Events = 10_000;
    private readonly SesApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_journey_with_ten_thousand_events_still_records_fires_and_answers_and_its_state_row_stays_small()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var engine = _app.Service<JourneyEngine>();
        var seeding = Stopwatch.StartNew();
        for (var i = 0; i < Events; i++)
        {
            var result = await engine.ExecuteAsync(id, now => new RecordEvent(new PrapAcknowledged(new DateOnly(2026, 3, 2)), $"ack-{i:D5}", now));
            Assert.True(result.Changed);
        }
        seeding.Stop();

        var staff = _app.Client(SesApp.ProviderAKey);
        var get = Stopwatch.StartNew();
        var journey = await Referrals.GetAsync(staff, $"/api/journeys/{id}");
        get.Stop();
        Assert.Equal(Events + 1, journey.GetProperty("version").GetInt32());
        var row = (await _app.Service<StorageClients>().Journeys.GetEntityAsync<TableEntity>(id, JourneyRows.StateKey(id))).Value;
        var stateChars = JourneyRows.ReadStateJson(row).Length;
        Assert.InRange(stateChars, 1, 8_000); // a few KB, whatever the number of events

        // Still records events (a repeat is still recognised), fires its timers and pages its history.
        var repeat = await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", eventId = "ack-00042", occurredOn = "2026-03-02" });
        Assert.False(repeat.GetProperty("applied").GetBoolean());
        await Referrals.EventAsync(staff, id, new { type = "ucpr1-received", eventId = "u1", occurredOn = "2026-03-02" });
        var move = await _app.AdvanceAsync("P3W");
        Assert.Equal(0, move.GetProperty("skipped").GetInt32());
        Assert.True(move.GetProperty("fired").GetInt32() >= 2); // first-meeting reminder and alert
        var page = await Referrals.GetAsync(staff, $"/api/journeys/{id}/history?pageSize=1000");
        Assert.Equal(1000, page.GetProperty("items").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(page.GetProperty("continuationToken").GetString()));
        output.WriteLine($"{Events} events recorded in {seeding.Elapsed.TotalSeconds:F0} s ({Events / seeding.Elapsed.TotalSeconds:F0}/s); " +
            $"state row {stateChars} characters; GET of the journey {get.ElapsedMilliseconds} ms");
    }
}
