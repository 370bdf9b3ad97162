using DurableTask.Core;

namespace Ses.Functions.Hosting;

/// <summary>
/// The Azure Storage backend as the sidecar's dispatcher sees it. The sidecar starts the backend only once a worker has
/// connected, but stops it whenever its host stops: a host stopped before that (a short-lived process, a test) made the
/// backend's StopAsync throw on a thread-pool callback, which ends the process; and a backend whose storage has gone
/// waits ten minutes for its partition manager before it throws there. Here a stop waits for a start in progress, does
/// nothing when none began, is bounded by <see cref="StopTimeout"/>, and never throws (the leases then expire on their
/// own, as after a crash); everything else goes straight to the backend.
/// </summary>
public sealed class SidecarOrchestrationService(IOrchestrationService inner, ILogger logger) : IOrchestrationService
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly Lock _gate = new();
    private Task? _started;
    private Task? _stop;

    public Task StartAsync()
    {
        lock (_gate) return _started ??= inner.StartAsync();
    }

    public Task StopAsync() => StopAsync(false);

    /// <summary>The first stop after a start is the one that runs; later ones wait for it (LocalTaskHub stops first, forced).</summary>
    public Task StopAsync(bool isForced)
    {
        lock (_gate)
        {
            if (_started is null) return Task.CompletedTask;
            return _stop ??= StopStartedAsync(_started, isForced);
        }
    }

    private async Task StopStartedAsync(Task started, bool isForced)
    {
        try
        {
            await started;
        }
        catch (Exception)
        {
            return; // it never started: nothing to stop
        }
        try
        {
            await inner.StopAsync(isForced).WaitAsync(StopTimeout);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever the backend throws (a timeout, storage, DurableTask.AzureStorage's internal exception types), by type only.
            logger.LogWarning("The task hub did not stop cleanly ({Error}); its partition leases expire on their own.", ex.GetType().FullName);
        }
    }

    public Task CreateAsync() => inner.CreateAsync();
    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);
    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();
    public Task DeleteAsync() => inner.DeleteAsync();
    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);
    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;
    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;
    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);
    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages,
            continuedAsNewMessage, orchestrationState);
    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;
    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;
    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);
    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) => inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);
}
