using Ses.Journeys;

namespace Ses.Functions.Hosting;

/// <summary>
/// With the virtual clock: once the task hub serves, finishes a clock move that a host did not (killed mid-move, or
/// storage failed it), so the journeys due by then are woken without anyone moving the clock again (ADR 010).
/// </summary>
public sealed class ClockMoveResumer(JourneyClock clock, TaskHubReadiness hub, ILogger<ClockMoveResumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await hub.Task.WaitAsync(stoppingToken);
            if (await clock.ResumeAsync(stoppingToken) is { } move)
            {
                logger.LogWarning("Finished a clock move left unfinished, to {Now:O}: {Fired} steps fired, {Skipped} journeys did not answer.",
                    clock.Now, move.Fired, move.Skipped);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or TimeoutException or AggregateException)
        {
            // The move stays marked unfinished: the next clock move, or the next host to start, finishes it.
            logger.LogWarning("Could not finish a clock move left unfinished ({Error}).", ex.GetType().Name);
        }
    }
}
