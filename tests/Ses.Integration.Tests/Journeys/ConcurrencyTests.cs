using System.Net;
using System.Net.Http.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>ETag concurrency: concurrent and duplicate requests lose nothing and apply nothing twice.</summary>
public sealed class ConcurrencyTests : IAsyncLifetime
{
    private readonly SesApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Fifty_concurrent_events_on_one_journey_are_each_applied_once_with_consecutive_versions()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            staff.PostAsJsonAsync($"/api/journeys/{id}/events", new { type = "prap-acknowledged", eventId = $"ack-{i}", occurredOn = "2026-03-02" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var journey = await Referrals.GetAsync(staff, $"/api/journeys/{id}");
        Assert.Equal(51, journey.GetProperty("version").GetInt32());
        var history = (await Referrals.GetAsync(staff, $"/api/journeys/{id}/history")).GetProperty("items");
        var reported = history.EnumerateArray().Where(h => h.GetProperty("kind").GetString() == "event-reported:prap-acknowledged").ToArray();
        Assert.Equal(50, reported.Length);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"ack-{i}").Order(StringComparer.Ordinal),
            reported.Select(h => h.GetProperty("data").GetProperty("eventId").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(1, 51), history.EnumerateArray().Select(h => h.GetProperty("version").GetInt32()).Distinct());
    }

    [Fact]
    public async Task The_same_event_delivered_twice_even_at_once_is_applied_once()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        var body = new { type = "initial-assessment-held", eventId = "ia-once", occurredOn = "2026-03-02", recommendation = "main" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => staff.PostAsJsonAsync($"/api/journeys/{id}/events", body)));
        var again = await Referrals.EventAsync(staff, id, body);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.False(again.GetProperty("applied").GetBoolean());
        Assert.Equal(2, again.GetProperty("version").GetInt32());
        var notifications = await Referrals.GetAsync(staff, $"/api/journeys/{id}/notifications");
        Assert.Single(notifications.EnumerateArray(), n => n.GetProperty("template").GetString() == "uc452-part6");

        var reused = await Referrals.EventAsync(staff, id,
            new { type = "ucpr1-received", eventId = "ia-once", occurredOn = "2026-03-02" }, System.Net.HttpStatusCode.Conflict);
        Assert.Contains("ia-once", reused.GetProperty("detail").GetString());
        Assert.Equal(2, (await Referrals.GetAsync(staff, $"/api/journeys/{id}")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task The_same_referral_posted_concurrently_creates_one_journey()
    {
        var id = Referrals.NewId();
        var intake = _app.Client(SesApp.ReferralKey);
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => intake.PostAsJsonAsync("/api/referrals", Referrals.Body(id))));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var journey = await Referrals.GetAsync(_app.Client(SesApp.OperatorKey), $"/api/journeys/{id}");
        Assert.Equal(1, journey.GetProperty("version").GetInt32());
    }
}
