using Ses.Domain;
using Microsoft.Extensions.Logging;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Journeys;

namespace Ses.Infrastructure.Timers;

public sealed class DispatcherOptions
{
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    public int Parallelism { get; set; } = 4;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Fires due timers through the decider. Safe with any number of hosts: each timer is leased by one host, the decider
/// ignores a step that already fired, and the timer row is deleted only after the journey commit.
/// </summary>
public sealed class TimerDispatcher(
    TimerIndex timers, JourneyEngine engine, TimeProvider time, DispatcherOptions options, ILogger<TimerDispatcher> log)
{
    public async Task<int> RunDueAsync(CancellationToken ct = default)
    {
        var fired = 0;
        while (true)
        {
            var now = time.GetUtcNow();
            var due = await timers.DueAsync(now, 200, ct);
            if (due.Count == 0) return fired;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct };
            var claimed = 0;
            // Journeys in parallel; each journey's timers one after another, in the order they were due.
            var perJourney = due.GroupBy(t => t.JourneyId).Select(g => g.OrderBy(t => t.FireAt).ToArray());
            await Parallel.ForEachAsync(perJourney, parallel, async (timersOfJourney, token) =>
            {
                foreach (var timer in timersOfJourney)
                {
                    if (await FireAsync(timer, now, token)) Interlocked.Increment(ref claimed);
                }
            });
            fired += claimed;
            if (claimed == 0) return fired; // the rest belong to other hosts for now
        }
    }

    private async Task<bool> FireAsync(DueTimer timer, DateTimeOffset now, CancellationToken ct)
    {
        if (await timers.ClaimAsync(timer, now, options.Lease, ct) is null) return false;
        var result = await engine.ExecuteAsync(timer.JourneyId, at => new FireTimer(timer.Kind, timer.Due, timer.Step, at), ct: ct);
        log.LogInformation("Timer {Kind}/{Step} due {Due} for journey {JourneyId}: {Outcome}",
            Kebab.Of(timer.Kind), Kebab.Of(timer.Step), timer.Due, timer.JourneyId, result.Changed ? "fired" : "nothing to do");
        await timers.CompleteAsync(timer, CancellationToken.None);
        return true;
    }
}
