using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// eventIds as rows of their own (issue 7): exact comparison whatever they hold, idempotency before phase rules, and a
/// state row that does not grow with them. Two hosts on one storage account: the ETag, not a process lock, keeps order.
/// </summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private readonly SesApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact] // an eventId holding '|' once made a later, different eventId look used (prefix matching)
    public async Task EventIds_are_compared_exactly_whatever_characters_they_hold()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        foreach (var eventId in new[] { "a|b", "a", "a|", "/#?\\ \u00e9\u4e2d", "A" })
        {
            var answer = await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", eventId, occurredOn = "2026-03-02" });
            Assert.True(answer.GetProperty("applied").GetBoolean(), eventId);
        }
        var again = await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", eventId = "/#?\\ \u00e9\u4e2d", occurredOn = "2026-03-02" });
        Assert.False(again.GetProperty("applied").GetBoolean());
        Assert.Equal(6, again.GetProperty("version").GetInt32());
    }

    [Fact] // a client retrying a closing event must not be told the journey is closed
    public async Task Retrying_a_closing_event_with_its_eventId_is_200_not_applied()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        var withdrawn = new { type = "withdrawn", eventId = "w-1", occurredOn = "2026-03-02", reason = "Moved away" };
        Assert.True((await Referrals.EventAsync(staff, id, withdrawn)).GetProperty("applied").GetBoolean());

        var retry = await Referrals.EventAsync(staff, id, withdrawn);
        Assert.False(retry.GetProperty("applied").GetBoolean());
        Assert.Equal("closed", retry.GetProperty("phase").GetString());
        await Referrals.EventAsync(staff, id, new { type = "withdrawn", eventId = "w-2", occurredOn = "2026-03-02" }, HttpStatusCode.Conflict);
        await Referrals.EventAsync(staff, id, withdrawn with { reason = "Other words" }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_state_row_does_not_grow_with_the_eventIds_it_has_seen()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        var table = _app.Service<StorageClients>().Journeys;
        async Task<int> StateSize() => JourneyRows.ReadStateJson((await table.GetEntityAsync<TableEntity>(id, JourneyRows.StateKey(id))).Value).Length;

        for (var i = 0; i < 9; i++) await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", eventId = $"first-{i}", occurredOn = "2026-03-02" });
        var size = await StateSize(); // version 10: the version's digits do not change below
        for (var i = 0; i < 20; i++)
        {
            await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", eventId = $"ack-{i}-{new string('x', 80)}", occurredOn = "2026-03-02" });
        }
        Assert.Equal(size, await StateSize());
    }

    [Fact] // the per-journey queue protects one process only: across hosts, the ETag retry loop is what keeps every event
    public async Task Fifty_events_through_two_hosts_at_once_are_each_applied_once_with_consecutive_versions()
    {
        await using var other = new SesApp(prefix: _app.Prefix);
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var hosts = new[] { _app.Client(SesApp.ProviderAKey), other.Client(SesApp.ProviderAKey) };

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            hosts[i % 2].PostAsJsonAsync($"/api/journeys/{id}/events", new { type = "prap-acknowledged", eventId = $"ack-{i}", occurredOn = "2026-03-02" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var history = (await Referrals.GetAsync(hosts[0], $"/api/journeys/{id}/history?pageSize=1000")).GetProperty("items");
        Assert.Equal(50, history.EnumerateArray().Count(h => h.GetProperty("kind").GetString() == "event-reported:prap-acknowledged"));
        Assert.Equal(Enumerable.Range(1, 51), history.EnumerateArray().Select(h => h.GetProperty("version").GetInt32()).Distinct());
    }

    [Fact] // the same eventId racing through two hosts: one applies, the other is told it was a retry
    public async Task The_same_eventId_through_two_hosts_at_once_is_applied_once()
    {
        await using var other = new SesApp(prefix: _app.Prefix);
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var hosts = new[] { _app.Client(SesApp.ProviderAKey), other.Client(SesApp.ProviderAKey) };
        var body = new { type = "initial-assessment-held", eventId = "ia-race", occurredOn = "2026-03-02", recommendation = "main" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => hosts[i % 2].PostAsJsonAsync($"/api/journeys/{id}/events", body)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var applied = 0;
        foreach (var r in responses) applied += (await r.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("applied").GetBoolean() ? 1 : 0;
        Assert.Equal(1, applied);
        Assert.Equal(2, (await Referrals.GetAsync(hosts[1], $"/api/journeys/{id}")).GetProperty("version").GetInt32());
    }
}
