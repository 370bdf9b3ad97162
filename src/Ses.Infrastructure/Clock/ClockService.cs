using Azure.Data.Tables;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Infrastructure.Timers;

namespace Ses.Infrastructure.Clock;

/// <summary>
/// Moves the virtual clock to a target time through every timer on the way, in order: each timer fires with the clock at
/// its own fire time, so a jump of 30 weeks records the same history as living through them. Emails go out on the way.
/// </summary>
public sealed class ClockService(VirtualClock clock, TimerIndex timers, TimerDispatcher dispatcher, OutboxSender outbox, StorageClients storage)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>
    /// A restarted host carries on from the virtual time already lived through (stored per <c>Storage:Prefix</c>),
    /// never from an earlier <c>Clock:Start</c>: business time never goes backwards.
    /// </summary>
    public async Task RestoreAsync(CancellationToken ct = default)
    {
        var row = await storage.Clock.GetEntityIfExistsAsync<TableEntity>("clock", "now", cancellationToken: ct);
        if (row.HasValue && row.Value!.GetDateTimeOffset("Now") is { } saved && saved > clock.GetUtcNow()) clock.MoveTo(saved);
    }

    private async Task SaveAsync(CancellationToken ct) =>
        await storage.Clock.UpsertEntityAsync(new TableEntity("clock", "now") { ["Now"] = clock.GetUtcNow() }, TableUpdateMode.Replace, ct);

    public async Task<int> AdvanceToAsync(DateTimeOffset target, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var fired = 0;
            while (await timers.EarliestAsync(ct) is { } next && next <= target)
            {
                if (next > clock.GetUtcNow()) clock.MoveTo(next);
                var count = await dispatcher.RunDueAsync(ct);
                await DrainOutboxAsync(ct);
                fired += count;
                if (count == 0 && next <= clock.GetUtcNow()) break; // leased by another host: it will fire them
            }
            clock.MoveTo(target > clock.GetUtcNow() ? target : clock.GetUtcNow());
            fired += await dispatcher.RunDueAsync(ct);
            await DrainOutboxAsync(ct);
            await SaveAsync(ct);
            return fired;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DrainOutboxAsync(CancellationToken ct)
    {
        while (await outbox.RunOnceAsync(ct) > 0)
        {
        }
    }
}
