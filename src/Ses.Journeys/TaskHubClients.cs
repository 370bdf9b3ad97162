using Microsoft.DurableTask.Client;

namespace Ses.Journeys;

/// <summary>
/// The task hub's client for <see cref="JourneyClient"/>. The local host has one from the start (its sidecar's). Under the
/// Functions host a client exists only as a binding (<c>[DurableClient]</c>): every function that gets one offers it here
/// before it runs a handler, and the first marks the hub ready, so anything started before any function ran (the clock
/// move resumer) waits for it instead of failing. The Durable extension gives the same client for the same host each time.
/// </summary>
public sealed class TaskHubClients(TaskHubReadiness readiness)
{
    private volatile DurableTaskClient? _client;

    public static TaskHubClients Of(DurableTaskClient client, TaskHubReadiness readiness)
    {
        var clients = new TaskHubClients(readiness);
        clients._client = client;
        return clients;
    }

    /// <summary>The client; before any was offered, a <see cref="TimeoutException"/> (answered 503, like a hub not started).</summary>
    public DurableTaskClient Client => _client ?? throw new TimeoutException("No task hub client has been bound yet.");

    public void Offer(DurableTaskClient client)
    {
        _client ??= client;
        readiness.MarkReady();
    }
}
