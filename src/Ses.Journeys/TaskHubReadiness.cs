namespace Ses.Journeys;

/// <summary>
/// Whether the task hub can take requests yet. The local host starts its hub in the background (storage may be down at
/// start); a request that comes first waits for it, within the reply bound, and otherwise fails as storage that does not
/// answer (a 503), never with a connection error. Under the Functions host the hub is the host's: ready from the start.
/// </summary>
public sealed class TaskHubReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TaskHubReadiness Ready() => new TaskHubReadiness().MarkReady();

    public Task Task => _ready.Task;

    public TaskHubReadiness MarkReady()
    {
        _ready.TrySetResult();
        return this;
    }
}

/// <summary>
/// The storage requests of the task hub this process runs (the local host's backend adds this counter to its clients).
/// Under the Functions host the host process makes them, so this stays at 0 there.
/// </summary>
public static class TaskHubRoundTrips
{
    public static Ses.Infrastructure.Storage.RoundTripCounter Counter { get; } = new();
}
