using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Ses.Domain.Journeys;

namespace Ses.Journeys;

/// <summary>How long a handler waits for a journey's answer before it answers 202 with a place to poll (SPEC 5, ADR 009).</summary>
public sealed class JourneyOptions
{
    public TimeSpan ReplyWait { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often the reply row is read while waiting (a reply written by another process, or after a restart).</summary>
    public TimeSpan ReplyPoll { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>A journey's answer: the reply, and the journey after it when this process wrote it; null reply = not yet.</summary>
public sealed record JourneyAnswer(StepReply? Reply, Journey? Journey);

/// <summary>
/// What the HTTP handlers (and the virtual clock) use to talk to journeys: start one, send it a message, and wait for its
/// answer up to a bound. Works the same over the local sidecar and under the Functions host (a <c>DurableTaskClient</c>).
/// </summary>
public sealed class JourneyClient(TaskHubClients clients, JourneyReplies replies, StepStore steps, JourneyOptions options, TaskHubReadiness hub)
{
    private static readonly IReadOnlyList<string> DedupeStatuses = Enum.GetNames<OrchestrationRuntimeStatus>();

    public DurableTaskClient Client => clients.Client;

    public async Task<JourneyAnswer> StartAsync(JourneyRun run, ReferralMessage referral, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        using var waiter = replies.Expect(referral.RequestId);
        // Created once: an instance of that ID in any state is never replaced (the backend would otherwise restart it).
        var once = new StartOrchestrationOptions(Names.InstanceId(run.JourneyId)) { DedupeStatuses = DedupeStatuses };
        await clients.Client.ScheduleNewOrchestrationInstanceAsync(Names.Journey, run with { Inbox = [referral] }, once, ct);
        return await WaitAsync(run.JourneyId, referral.RequestId, waiter, options.ReplyWait, ct);
    }

    public async Task<JourneyAnswer> SendAsync(JourneyMessage message, CancellationToken ct = default, TimeSpan? wait = null)
    {
        using var waiter = await RaiseAsync(message, ct);
        return await WaitAsync(message.JourneyId, message.RequestId, waiter, wait ?? options.ReplyWait, ct);
    }

    /// <summary>
    /// Sends a message without waiting for its answer (a clock move sends to every journey due, then waits for them all):
    /// dispose the returned waiter once done with it.
    /// </summary>
    public async Task<JourneyReplies.Waiter> RaiseAsync(JourneyMessage message, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        var waiter = replies.Expect(message.RequestId);
        try
        {
            await clients.Client.RaiseEventAsync(Names.InstanceId(message.JourneyId), Names.Message, message, ct);
            return waiter;
        }
        catch
        {
            waiter.Dispose();
            throw;
        }
    }

    /// <summary>The answer to a message sent with <see cref="RaiseAsync"/>; null reply when <paramref name="ct"/> ends the wait.</summary>
    public async Task<JourneyAnswer> AnswerAsync(JourneyMessage message, JourneyReplies.Waiter waiter, CancellationToken ct) =>
        await WaitAsync(message.JourneyId, message.RequestId, waiter, Timeout.InfiniteTimeSpan, ct, stopped: true);

    /// <summary>Whether the task hub takes requests now.</summary>
    public bool Ready => hub.Task.IsCompleted;

    /// <summary>Waits for the task hub to take requests; past the reply bound a <see cref="TimeoutException"/> (a 503).</summary>
    public async Task ReadyAsync(CancellationToken ct = default) => await hub.Task.WaitAsync(options.ReplyWait, ct);

    /// <summary>The answer to an earlier request (the 202's Location), without waiting.</summary>
    public async Task<StepReply?> ReplyAsync(string journeyId, string requestId, CancellationToken ct = default) =>
        await steps.ReplyAsync(journeyId, requestId, ct);

    /// <param name="stopped">A cancelled <paramref name="ct"/> ends the wait with no answer, rather than throwing.</param>
    private async Task<JourneyAnswer> WaitAsync(
        string journeyId, string requestId, JourneyReplies.Waiter waiter, TimeSpan bound, CancellationToken ct, bool stopped = false)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(bound);
        // The answer comes in memory when this process ran the step; the reply row is read for one that another process
        // ran, less often the longer it takes (a clock move waits for hundreds at once).
        var every = options.ReplyPoll;
        try
        {
            while (true)
            {
                var poll = Task.Delay(every, timeout.Token);
                every = TimeSpan.FromTicks(Math.Min(every.Ticks * 2, options.ReplyPoll.Ticks * 8));
                if (await Task.WhenAny(waiter.Task, poll) == waiter.Task)
                {
                    var (reply, journey) = await waiter.Task;
                    return new JourneyAnswer(reply, journey);
                }
                await poll;
                if (await PollAsync(journeyId, requestId, timeout.Token) is { } stored) return new JourneyAnswer(stored, null);
            }
        }
        catch (OperationCanceledException) when (stopped || !ct.IsCancellationRequested)
        {
            return new JourneyAnswer(null, null);
        }
    }

    /// <summary>
    /// The reply row, or null when it is not there yet or storage did not answer this time: the message is already in the
    /// task hub, so a slow read is no reason to fail the request (it answers 202 at the bound, with a place to poll).
    /// </summary>
    private async Task<StepReply?> PollAsync(string journeyId, string requestId, CancellationToken ct)
    {
        try
        {
            return await steps.ReplyAsync(journeyId, requestId, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && Ses.Infrastructure.Storage.StorageFailures.IsUnreachable(ex, ct))
        {
            return null;
        }
    }
}
