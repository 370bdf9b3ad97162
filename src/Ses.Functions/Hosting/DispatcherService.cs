using Ses.Infrastructure.Email;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Infrastructure.Timers;

namespace Ses.Functions.Hosting;

/// <summary>
/// Two independent loops: timer dispatch every poll interval, and the outbox sender, so a hanging SendGrid never delays a
/// deadline. Each backs off (doubling, up to a minute) while storage fails. In Azure the Functions timer triggers call the
/// same work (see <c>FunctionTriggers</c>); running both is safe because timers and emails are claimed and idempotent.
/// </summary>
public sealed class DispatcherService(
    StorageClients storage, TimerDispatcher timers, OutboxSender outbox, DispatcherOptions options, OutboxOptions outboxOptions,
    SendGridOptions sendGrid, IConfiguration config, ILogger<DispatcherService> log) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(sendGrid.ApiKey))
        {
            log.LogWarning("SendGrid:ApiKey is not set: emails are kept as .eml files in the outbox container and marked not-sent.");
        }
        if (!config.GetValue("Dispatcher:Enabled", true)) return;
        await Task.WhenAll(
            LoopAsync("timer dispatch", options.PollInterval, async ct => await timers.RunDueAsync(ct) > 0, stoppingToken),
            LoopAsync("outbox", outboxOptions.PollInterval, async ct => await outbox.PumpAsync(ct) > 0, stoppingToken));
    }

    /// <summary>Runs <paramref name="work"/> again at once while it finds something to do, else after the interval.</summary>
    private async Task LoopAsync(string name, TimeSpan interval, Func<CancellationToken, Task<bool>> work, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = interval;
            try
            {
                await storage.EnsureCreatedAsync(stoppingToken);
                if (await work(stoppingToken)) wait = TimeSpan.Zero;
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                wait = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, interval.Ticks * (1L << Math.Min(failures, 10))));
                log.LogError("The {Loop} pass failed ({Error}); trying again in {Wait}.", name, ex.GetType().Name, wait);
            }
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
