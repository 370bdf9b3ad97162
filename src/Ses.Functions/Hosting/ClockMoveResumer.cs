using Ses.Journeys;

namespace Ses.Functions.Hosting;

/// <summary>
/// With the virtual clock: once the task hub serves, finishes a clock move that a host did not (killed mid-move, or
/// storage failed it), so the journeys due by then are woken without anyone moving the clock again (ADR 010). Storage
/// that fails meanwhile is tried again, 1 s doubling to 30 s apart, until the move is finished or the host stops.
/// </summary>
public sealed class ClockMoveResumer(JourneyClock clock, TaskHubReadiness hub, ILogger<ClockMoveResumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await hub.Task.WaitAsync(stoppingToken);
                if (await clock.ResumeAsync(stoppingToken) is { } move)
                {
                    logger.LogWarning("Finished a clock move left unfinished, to {Now:O}: {Fired} steps fired, {Skipped} journeys did not answer.",
                        clock.Now, move.Fired, move.Skipped);
                }
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never stops the host (a background service that throws would); the type only: no message reaches the logs.
                logger.LogWarning("Could not finish a clock move left unfinished ({Error}); trying again in {Wait}.", ex.GetType().Name, wait);
            }
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }
}
