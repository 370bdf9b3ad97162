using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Timers;

public sealed class DispatcherOptions
{
    /// <summary>How long a claimed timer keeps other hosts off (real time).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    public int Parallelism { get; set; } = 4;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>A timer written ahead of a commit is left alone this long while its journey is below its version (ADR 001).</summary>
    public TimeSpan WriteAheadGrace { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How soon a timer left for a commit in flight is looked at again.</summary>
    public TimeSpan BehindRecheck { get; set; } = TimeSpan.FromMilliseconds(500);
    /// <summary>How long a timer whose journey failed is parked before it is tried again.</summary>
    public TimeSpan BrokenRetry { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>What one pass did: timers fired, timers other hosts (or commits in flight) still hold, journeys that failed.</summary>
public sealed record DispatchPass(int Fired, int Waiting, int Broken);

/// <summary>
/// Fires due timers through the decider, streaming: due rows are read a page at a time and handed to a fixed number of
/// workers, each journey always to the same worker so its timers fire in due order. Safe with any number of hosts: each
/// timer is claimed (real-time lease, ETag) by one host, the decider ignores a step that already fired, and a timer row is
/// deleted only after the journey commit, and only if no newer write-ahead rewrote it. A journey that fails is reported
/// and parked; it never stops the others.
/// </summary>
public sealed class TimerDispatcher(
    TimerIndex timers, JourneyEngine engine, TimeProvider time, RealClock real, DispatcherOptions options, HostIdentity host,
    ILogger<TimerDispatcher> log)
{
    public async Task<int> RunDueAsync(CancellationToken ct = default)
    {
        var fired = 0;
        while (true)
        {
            var pass = await RunPassAsync(ct);
            fired += pass.Fired;
            if (pass.Fired == 0) return fired; // firing can schedule timers already due (a deferred checkpoint): go again
        }
    }

    public async Task<DispatchPass> RunPassAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        int fired = 0, waiting = 0, broken = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lanes = Enumerable.Range(0, Math.Max(1, options.Parallelism))
            .Select(_ => Channel.CreateBounded<DueTimer>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true })).ToArray();
        var workers = lanes.Select(lane => Task.Run(async () =>
        {
            try
            {
                await foreach (var timer in lane.Reader.ReadAllAsync(stop.Token))
                {
                    switch (await FireAsync(timer, stop.Token))
                    {
                        case Fate.Fired: Interlocked.Increment(ref fired); break;
                        case Fate.Waiting: Interlocked.Increment(ref waiting); break;
                        case Fate.Broken: Interlocked.Increment(ref broken); break;
                    }
                }
            }
            catch
            {
                await stop.CancelAsync(); // storage is unreachable: end the pass, the caller backs off
                throw;
            }
        }, CancellationToken.None)).ToArray();
        try
        {
            await foreach (var timer in timers.DueAsync(now, stop.Token))
            {
                if (timer.Broken && !Leases.IsFree(timer.Row, real.Now)) continue;
                var lane = lanes[(uint)StringComparer.Ordinal.GetHashCode(timer.JourneyId) % lanes.Length];
                await lane.Writer.WriteAsync(timer, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // a worker failed: its exception is the one to report, below
        }
        finally
        {
            foreach (var lane in lanes) lane.Writer.TryComplete();
        }
        await Task.WhenAll(workers);
        return new DispatchPass(fired, waiting, broken);
    }

    private enum Fate { Fired, NothingToDo, Waiting, Broken }

    private async Task<Fate> FireAsync(DueTimer timer, CancellationToken ct)
    {
        var realNow = real.Now;
        if (!Leases.IsFree(timer.Row, realNow)) return Fate.Waiting; // another host has it
        if (await timers.ClaimAsync(timer, realNow + options.Lease, host.Id, ct) is null) return Fate.Waiting;
        try
        {
            // Within the grace period a journey below the timer's version means the commit that wrote it is still on its
            // way: firing now would find no pending deadline and lose the timer. After it, the writer is taken for dead.
            var required = realNow - timer.WrittenAt < options.WriteAheadGrace ? timer.Version : 0;
            // Stamped with its own due time, whatever the clock of the host that fires it says.
            var result = await engine.ExecuteAsync(
                timer.JourneyId, _ => new FireTimer(timer.Kind, timer.Due, timer.Step, timer.FireAt), ct: ct, requiredVersion: required);
            if (result.Behind)
            {
                await timers.DeferAsync(timer, real.Now + options.BehindRecheck, host.Id, null, CancellationToken.None);
                return Fate.Waiting;
            }
            log.LogInformation("Timer {Kind}/{Step} due {Due} for journey {JourneyId}: {Outcome}",
                Kebab.Of(timer.Kind), Kebab.Of(timer.Step), timer.Due, timer.JourneyId, result.Changed ? "fired" : "nothing to do");
            await timers.CompleteAsync(timer, CancellationToken.None);
            return result.Changed ? Fate.Fired : Fate.NothingToDo;
        }
        catch (Exception ex) when (!StorageFailures.IsUnreachable(ex, ct) && ex is not OperationCanceledException)
        {
            // One journey that cannot be loaded or committed must not stop the others: report it and park its timer.
            log.LogError("Journey {JourneyId} failed while firing {Kind}/{Step}: {Error}. Its timer is parked for {Retry}.",
                timer.JourneyId, Kebab.Of(timer.Kind), Kebab.Of(timer.Step), ex.GetType().Name, options.BrokenRetry);
            await timers.DeferAsync(timer, real.Now + options.BrokenRetry, TimerIndex.BrokenOwner, ex.GetType().Name, CancellationToken.None);
            return Fate.Broken;
        }
    }
}
