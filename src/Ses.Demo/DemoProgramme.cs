using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ses.Demo;

public sealed record DemoOptions
{
    public int Participants { get; init; } = 2000;
    /// <summary>The Monday the programme starts; referrals arrive over the following <see cref="ReferralWeeks"/> weeks.</summary>
    public DateOnly From { get; init; } = new(2024, 1, 1);
    public int ReferralWeeks { get; init; } = 52;
    /// <summary>The clock runs to here, so every start has at least 18 months of tracking (SPEC 7).</summary>
    public DateOnly Until { get; init; } = new(2026, 7, 6);
    public int Seed { get; init; } = 20_240_101;
    public int Parallelism { get; init; } = 8;
}

/// <summary>What the run did: referrals and events accepted, and any the API refused (a calibration bug, never expected).</summary>
public sealed record DemoResult(int Referrals, int Events, int ClockMoves, IReadOnlyList<string> Refused);

/// <summary>
/// Drives a synthetic SES programme through the real API and the virtual clock (issue 8): week by week, the clock moves
/// (deadlines fire, emails go out) and what happened that week is recorded, as provider staff would. Needs an operator key
/// and an app with <c>Clock:Mode=Virtual</c> and the demo providers configured (scripts/run.sh --demo does both).
/// </summary>
public sealed class DemoProgramme(HttpClient api, Action<string> log)
{
    public async Task<DemoResult> RunAsync(DemoOptions options, CancellationToken ct = default)
    {
        var factory = new ParticipantFactory(options.Seed);
        var random = new Random(options.Seed + 1);
        var participants = Enumerable.Range(0, options.Participants)
            .Select(i => factory.Next(options.From.AddDays(7 * (i * options.ReferralWeeks / options.Participants) + random.Next(0, 5))))
            .ToArray();
        var next = participants.ToDictionary(p => p.ReferralId, _ => 0);
        var refused = new List<string>();
        int referrals = 0, events = 0, moves = 0;

        await MoveClockAsync(new { now = At(options.From) }, ct);
        for (var week = options.From.AddDays(7); week <= options.Until; week = week.AddDays(7))
        {
            await MoveClockAsync(new { now = At(week) }, ct);
            moves++;
            var arriving = participants.Where(p => p.ReferralDate < week && p.ReferralDate >= week.AddDays(-7)).ToArray();
            await Parallel.ForEachAsync(arriving, Bounded(options, ct), async (p, token) =>
            {
                if (await PostAsync("/api/referrals", p.Referral, token) is { } problem) Refuse(refused, $"referral {p.ReferralId}: {problem}");
                else Interlocked.Increment(ref referrals);
            });
            var due = participants.Where(p => p.ReferralDate < week && next[p.ReferralId] < p.Events.Count && p.Events[next[p.ReferralId]].On < week).ToArray();
            await Parallel.ForEachAsync(due, Bounded(options, ct), async (p, token) =>
            {
                var i = next[p.ReferralId];
                for (; i < p.Events.Count && p.Events[i].On < week; i++)
                {
                    if (await PostAsync($"/api/journeys/{p.ReferralId}/events", p.Events[i].Event, token) is { } problem)
                    {
                        Refuse(refused, $"{p.ReferralId} event {i}: {problem}");
                    }
                    else
                    {
                        Interlocked.Increment(ref events);
                    }
                }
                lock (next) next[p.ReferralId] = i;
            });
            if (moves % 13 == 0) log($"{week:yyyy-MM-dd}: {referrals} referrals, {events} events recorded");
        }
        return new DemoResult(referrals, events, moves, refused);
    }

    /// <summary>Removes every synthetic journey through the API: terminated if still open, then purged with its rows and blobs.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var purged = 0;
        foreach (var (provider, _) in ParticipantFactory.Providers)
        {
            while (true)
            {
                var page = await api.GetFromJsonAsync<JsonElement>($"/api/journeys?provider={provider}&pageSize=200", ct);
                var items = page.GetProperty("items").EnumerateArray().ToArray();
                if (items.Length == 0) break;
                foreach (var journey in items)
                {
                    var id = journey.GetProperty("journeyId").GetString()!;
                    if (journey.GetProperty("phase").GetString() != "closed")
                    {
                        await api.PostAsJsonAsync($"/api/journeys/{id}/terminate", new { reason = "Synthetic demo data purged" }, ct);
                    }
                    var deleted = await api.DeleteAsync($"/api/journeys/{id}", ct);
                    if (deleted.StatusCode == HttpStatusCode.NoContent) purged++;
                }
            }
        }
        return purged;
    }

    private static ParallelOptions Bounded(DemoOptions options, CancellationToken ct) => new() { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct };

    // Monday 06:00 UTC: the London date is the Monday in both GMT and BST.
    private static string At(DateOnly day) => new DateTimeOffset(day.ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero).ToString("O");

    /// <summary>A move to a time is idempotent (the journeys due by then fire once), so a 503 is tried again as any post is.</summary>
    private async Task MoveClockAsync(object body, CancellationToken ct)
    {
        if (await PostAsync("/api/admin/clock", body, ct) is { } refused) throw new InvalidOperationException($"The clock did not move: {refused}");
    }

    /// <summary>Null when accepted; else the status and problem, after retrying the answers that ask for it (503).</summary>
    private async Task<string?> PostAsync(string path, object body, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await api.PostAsJsonAsync(path, body, ct);
            if (response.IsSuccessStatusCode) return null;
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
                continue;
            }
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
        }
    }

    private void Refuse(List<string> refused, string what)
    {
        lock (refused) refused.Add(what);
        log(what);
    }
}
