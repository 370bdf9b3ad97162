using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Ses.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ses.Integration.Tests.Faults;

/// <summary>
/// Storage that stops answering (Azurite frozen with SIGSTOP: connections open, nothing comes back), the way a stalled
/// storage node looks. Its own Azurite, so the rest of the suite is not frozen with it; the production timeouts.
/// </summary>
public sealed class StorageStallTests(ITestOutputHelper output) : IAsyncLifetime
{
    private Process _azurite = null!;
    private SesApp _app = null!;

    public Task InitializeAsync()
    {
        (_azurite, var connection) = Azurite.StartOwn();
        _app = new SesApp(settings: new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connection,
            ["Storage:RequestTimeout"] = "00:00:02", // the production default: 2 s a try, one retry
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try { AppProcess.Signal(_azurite.Id, "CONT"); } catch (InvalidOperationException) { }
        await _app.DisposeAsync();
        _azurite.Kill(true);
        _azurite.Dispose();
    }

    [Fact]
    public async Task A_40_second_storage_stall_answers_503_with_Retry_After_within_about_5_seconds_and_loses_nothing()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        var held = new { type = "initial-assessment-held", eventId = "ia-stall", occurredOn = "2026-03-02", recommendation = "main" };

        AppProcess.Signal(_azurite.Id, "STOP");
        var stalled = Stopwatch.StartNew();
        var read = Stopwatch.StartNew();
        var get = await staff.GetAsync($"/api/journeys/{id}");
        read.Stop();
        var write = Stopwatch.StartNew();
        var post = await staff.PostAsJsonAsync($"/api/journeys/{id}/events", held);
        write.Stop();
        foreach (var line in _app.Logs.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).Take(3)) output.WriteLine(line[..Math.Min(line.Length, 1500)]);
        output.WriteLine($"storage frozen: GET answered {(int)get.StatusCode} after {read.Elapsed.TotalSeconds:F1} s, POST {(int)post.StatusCode} after {write.Elapsed.TotalSeconds:F1} s");

        foreach (var (response, took) in new[] { (get, read.Elapsed), (post, write.Elapsed) })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.InRange(took, TimeSpan.Zero, TimeSpan.FromSeconds(8)); // the deadline: 2 tries of 2 s plus backoff, with slack
        }

        // Frozen for 40 s in all: longer than the task hub's partition leases (30 s), so the hub loses them meanwhile. A
        // request late in the stall still answers 503 within the deadline.
        while (stalled.Elapsed < TimeSpan.FromSeconds(36)) await Task.Delay(500);
        var late = Stopwatch.StartNew();
        var lateGet = await staff.GetAsync($"/api/journeys/{id}");
        late.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lateGet.StatusCode);
        Assert.InRange(late.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        while (stalled.Elapsed < TimeSpan.FromSeconds(40)) await Task.Delay(500);

        // Storage comes back. The client retries with the same eventId: applied exactly once, whether or not the frozen
        // request reached storage before it stopped answering; the hub takes its partitions again and answers (a 202 while
        // it has not yet, polled as a client would).
        AppProcess.Signal(_azurite.Id, "CONT");
        var back = Stopwatch.StartNew();
        var answer = await staff.PostAsJsonAsync($"/api/journeys/{id}/events", held);
        for (var polls = 0; answer.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable && polls < 120; polls++)
        {
            await Task.Delay(500);
            answer = answer.StatusCode == HttpStatusCode.Accepted
                ? await staff.GetAsync(answer.Headers.Location)
                : await staff.PostAsJsonAsync($"/api/journeys/{id}/events", held);
        }
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"after the stall: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        var retry = await answer.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var journey = await Referrals.GetAsync(staff, $"/api/journeys/{id}");
        Assert.Equal(2, journey.GetProperty("version").GetInt32());
        Assert.Equal("assessed", journey.GetProperty("phase").GetString());
        var history = (await Referrals.GetAsync(staff, $"/api/journeys/{id}/history")).GetProperty("items");
        Assert.Single(history.EnumerateArray(), h => h.GetProperty("kind").GetString() == "event-reported:initial-assessment-held");
        output.WriteLine($"after the 40-s stall: answered in {back.Elapsed.TotalSeconds:F1} s, retry applied={retry.GetProperty("applied").GetBoolean()}, version {journey.GetProperty("version").GetInt32()}");
    }
}
