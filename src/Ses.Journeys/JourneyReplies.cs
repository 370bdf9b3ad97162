using System.Collections.Concurrent;
using Ses.Domain.Journeys;

namespace Ses.Journeys;

/// <summary>
/// Hands a step's reply to the handler of this process that waits for it, the moment the commit activity has written it
/// (the reply row is the durable copy that a handler of another process, or one polling after a 202, reads). Also keeps
/// which emails settled lately, for the virtual clock's wait on the emails a move caused.
/// </summary>
public sealed class JourneyReplies
{
    private static readonly TimeSpan SettledMemory = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(StepReply Reply, Journey? Journey)>> _waiting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _settled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _emailWaiting = new(StringComparer.Ordinal);
    private long _sweepAt;

    /// <summary>Registers interest in a reply before the message is sent; dispose to stop waiting.</summary>
    public Waiter Expect(string requestId)
    {
        var source = new TaskCompletionSource<(StepReply, Journey?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[requestId] = source;
        return new Waiter(this, requestId, source.Task);
    }

    public void Complete(StepReply reply, Journey? journey)
    {
        if (_waiting.TryRemove(reply.RequestId, out var source)) source.TrySetResult((reply, journey));
    }

    /// <summary>An email reached a final state (sent, kept as .eml, failed): a clock move stops waiting for it.</summary>
    public void EmailSettled(string notificationId)
    {
        _settled[notificationId] = Environment.TickCount64;
        if (_emailWaiting.TryRemove(notificationId, out var waiter)) waiter.TrySetResult();
        Sweep();
    }

    /// <summary>Completes when the email settles in this process (or already did lately); never completes for another process's.</summary>
    public Task EmailSettledAsync(string notificationId)
    {
        var waiter = _emailWaiting.GetOrAdd(notificationId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_settled.ContainsKey(notificationId) && _emailWaiting.TryRemove(notificationId, out var done)) done.TrySetResult();
        return waiter.Task;
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        if (now < Interlocked.Read(ref _sweepAt)) return;
        Interlocked.Exchange(ref _sweepAt, now + (long)SettledMemory.TotalMilliseconds);
        foreach (var (id, at) in _settled)
        {
            if (now - at > SettledMemory.TotalMilliseconds) _settled.TryRemove(id, out _);
        }
    }

    public sealed class Waiter(JourneyReplies owner, string requestId, Task<(StepReply Reply, Journey? Journey)> task) : IDisposable
    {
        public Task<(StepReply Reply, Journey? Journey)> Task => task;

        public void Dispose() => owner._waiting.TryRemove(requestId, out _);
    }
}
