using Azure.Data.Tables;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Infrastructure.Timers;

namespace Ses.Infrastructure.Clock;

/// <summary>What a clock move did: timers fired, journeys that failed and were skipped, and whether the outbox was left empty.</summary>
public sealed record ClockMove(int Fired, int Broken, bool EmailsDelivered);

/// <summary>
/// Moves the virtual clock to a target time through every timer on the way, in order: each timer fires stamped with its
/// own fire time, so a jump of 30 weeks records the same history as living through them. Timers another host holds are
/// waited for (until that host fires them or its real-time lease runs out), never jumped over. Emails go out on the way,
/// apart from the timers: the move waits for them at most <c>Outbox:ClockMoveWait</c>, so a hanging SendGrid delays
/// only emails.
/// </summary>
public sealed class ClockService(
    VirtualClock clock, TimerIndex timers, WakeUps wakeUps, TimerDispatcher dispatcher, OutboxSender outbox, StorageClients storage, OutboxOptions outboxOptions,
    RealClock real)
{
    private static readonly TimeSpan OthersPoll = TimeSpan.FromMilliseconds(100);
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

    /// <summary>The earliest wake-up, or timer row of an earlier release.</summary>
    private async Task<DateTimeOffset?> EarliestAsync(CancellationToken ct)
    {
        var (wake, legacy) = (await wakeUps.EarliestAsync(ct), await timers.EarliestAsync(ct));
        return wake is null ? legacy : legacy is null ? wake : wake < legacy ? wake : legacy;
    }

    public async Task<ClockMove> AdvanceToAsync(DateTimeOffset target, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            int fired = 0, broken = 0;
            while (await EarliestAsync(ct) is { } next && next <= target)
            {
                if (next > clock.GetUtcNow()) clock.MoveTo(next);
                var pass = await dispatcher.RunPassAsync(ct);
                fired += pass.Fired;
                broken += pass.Broken;
                if (pass.Fired > 0) outbox.Kick();
                // Due timers held by another host, or written ahead of a commit still on its way: wait, never jump past.
                if (pass is { Fired: 0, Waiting: > 0 }) await Task.Delay(OthersPoll, real.Provider, ct);
            }
            if (target > clock.GetUtcNow()) clock.MoveTo(target);
            await SaveAsync(ct);
            var delivered = await outbox.DrainAsync(outboxOptions.ClockMoveWait, ct);
            return new ClockMove(fired, broken, delivered);
        }
        finally
        {
            _gate.Release();
        }
    }
}
