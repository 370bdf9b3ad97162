using Ses.Infrastructure.Email;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Infrastructure.Timers;

namespace Ses.Functions.Hosting;

/// <summary>
/// Fires due timers and sends the outbox every poll interval. In Azure the Functions timer trigger calls the same work
/// (see <c>FunctionTriggers</c>); running both is safe because timers and outbox entries are leased and idempotent.
/// </summary>
public sealed class DispatcherService(
    StorageClients storage, TimerDispatcher timers, OutboxSender outbox, DispatcherOptions options, SendGridOptions sendGrid,
    IConfiguration config, ILogger<DispatcherService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(sendGrid.ApiKey))
        {
            log.LogWarning("SendGrid:ApiKey is not set: emails are kept as .eml files in the outbox container and marked not-sent.");
        }
        if (!config.GetValue("Dispatcher:Enabled", true)) return;
        using var tick = new PeriodicTimer(options.PollInterval);
        do
        {
            try
            {
                await storage.EnsureCreatedAsync(stoppingToken);
                await timers.RunDueAsync(stoppingToken);
                while (await outbox.RunOnceAsync(stoppingToken) > 0)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogError(ex, "The dispatcher pass failed; it will run again in {Interval}.", options.PollInterval);
            }
        }
        while (await tick.WaitForNextTickAsync(stoppingToken));
    }
}
