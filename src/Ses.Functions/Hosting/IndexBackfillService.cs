using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Functions.Hosting;

/// <summary>
/// At start, gives every journey created before listings existed its listing (<see cref="JourneyIndex.RebuildAsync"/>),
/// once per hub: the marker row says it ran to the end. In the background, so the host answers meanwhile; until it is
/// done such journeys are missing from lists and counts. Several hosts may run it at once: the rebuild's writes are
/// conditional, so that costs only reads. <see cref="Done"/> completes when the marker is there (or the host stops).
/// </summary>
public sealed class IndexBackfillService(StorageClients storage, JourneyIndex index, ILogger<IndexBackfillService> log) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Done => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromSeconds(1);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await storage.EnsureCreatedAsync(stoppingToken);
                    if (!await index.BackfilledAsync(stoppingToken))
                    {
                        var rebuild = await index.RebuildAsync(stoppingToken);
                        await index.MarkBackfilledAsync(rebuild, stoppingToken);
                        log.LogInformation("Journey listings backfilled: {Journeys} journeys, {Written} listings written.", rebuild.Journeys, rebuild.Written);
                    }
                    return;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogError("The journey listing backfill failed ({Error}); trying again in {Wait}.", ex.GetType().Name, wait);
                    await Task.Delay(wait, stoppingToken);
                    wait = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, wait.Ticks * 2));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: the next start carries on
        }
        finally
        {
            _done.TrySetResult();
        }
    }
}
