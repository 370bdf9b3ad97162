using Ses.Journeys;

namespace Ses.Http.Hosting;

/// <summary>
/// With the virtual clock: once the task hub serves, finishes a clock move that a host did not (killed mid-move, or
/// storage failed it), so the journeys due by then are woken without anyone moving the clock again (ADR 010). Storage
/// that fails meanwhile is tried again (<see cref="KeepTrying"/>) until the move is finished or the host stops; it never
/// stops the host (a background service that throws would).
/// </summary>
public sealed class ClockMoveResumer(JourneyClock clock, TaskHubReadiness hub, ILogger<ClockMoveResumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await hub.Task.WaitAsync(stoppingToken);
            var move = await KeepTrying.Pipeline(logger, "Could not finish a clock move left unfinished")
                .ExecuteAsync(async ct => await clock.ResumeAsync(ct), stoppingToken);
            if (move is not null)
            {
                logger.LogWarning("Finished a clock move left unfinished, to {Now:O}: {Fired} steps fired, {Skipped} journeys did not answer.",
                    clock.Now, move.Fired, move.Skipped);
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: the move stays marked unfinished for the next host
        }
    }
}
