using System.Net.Sockets;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Data.Tables;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Ses.Http.Hosting;
using Ses.Infrastructure.Storage;

namespace Ses.Functions.Hosting;

/// <summary>The local host's task hub settings (<c>DurableTask:*</c>); the same values as host.json's in Azure (ADR 009).</summary>
public sealed class TaskHubOptions
{
    public int PartitionCount { get; set; } = 4;
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int MaxConcurrentActivities { get; set; } = 100;
    public int MaxConcurrentOrchestrations { get; set; } = 100;
    /// <summary>
    /// How long a control-queue message taken by a host stays hidden from the others: also how long a message can wait
    /// when the partition it is on moves to another host while the old owner held it (a host joining, or killed).
    /// </summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// How long an activity taken by a host stays hidden from the others: how soon a killed host's activities run
    /// elsewhere. The sidecar never renews it, so it must exceed the longest activity (a commit and its first email
    /// attempts, each bounded by <c>Outbox:SendTimeout</c>), or a second host would run an activity still running.
    /// </summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The task hub of a storage prefix: its tables, queues and containers start with the prefix too (SPEC 8).</summary>
    public static string HubName(StorageOptions storage) => $"{storage.Prefix}Hub";
}

/// <summary>
/// The local engine (ADR 009): Durable Task's Azure Storage backend (the one Durable Functions runs on: partition leases
/// shared by any number of hosts, control and work-item queues, History and Instances tables) served to this process's
/// worker and client by the gRPC sidecar of the Durable Task SDK, on a Unix socket of its own, so nothing listens on a
/// port. One per process, with a unique worker ID, so several processes share one hub (each owns some partitions).
/// The sidecar (<c>TaskHubGrpcServer</c>) comes from the SDK's in-process test host package (a preview, pinned): this class
/// is the only place that knows it.
/// </summary>
public sealed class LocalTaskHub : IHostedService, IAsyncDisposable
{
    private readonly StorageClients _storage;
    private readonly TaskHubOptions _options;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _log;
    // A Unix socket path must stay under 108 bytes: the temp folder, then a short unique name.
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"ses-hub-{Guid.NewGuid().ToString("N")[..16]}.sock");
    private readonly Ses.Journeys.TaskHubReadiness _readiness;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
#pragma warning disable ASPDEPR008 // see StartWhenStorageAnswersAsync: the sidecar's host is a web host of the old kind
    private IWebHost? _sidecar;
#pragma warning restore ASPDEPR008
    private Task? _starting;
    private readonly SidecarOrchestrationService _backend;

    public LocalTaskHub(StorageClients storage, TaskHubOptions options, ILoggerFactory logs, Ses.Journeys.TaskHubReadiness readiness, TokenCredential? credential = null)
    {
        _storage = storage;
        _options = options;
        _logs = logs;
        _log = logs.CreateLogger<LocalTaskHub>();
        _readiness = readiness;
        WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        Service = new AzureStorageOrchestrationService(Settings(storage, options, WorkerId, logs, credential));
        _backend = new SidecarOrchestrationService(Service, _log);
        Channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectCallback = ConnectAsync, EnableMultipleHttp2Connections = true },
        });
    }

    /// <summary>Every storage request of the task hub (History, Instances, queues, leases), retries and idle polling included.</summary>
    public static RoundTripCounter RoundTrips => Ses.Journeys.TaskHubRoundTrips.Counter;

    /// <summary>This process in the hub's partition leases (the default, the machine name, would make two processes one).</summary>
    public string WorkerId { get; }

    public AzureStorageOrchestrationService Service { get; }

    /// <summary>The channel the worker and the client talk to the sidecar on.</summary>
    public GrpcChannel Channel { get; }

    private static AzureStorageOrchestrationServiceSettings Settings(
        StorageClients storage, TaskHubOptions options, string workerId, ILoggerFactory logs, TokenCredential? credential)
    {
        var o = storage.Options;
        var blob = new BlobClientOptions();
        var queue = new QueueClientOptions();
        var table = new TableClientOptions();
        // The task hub's requests are counted apart from the product's own (benchmarks add them up per operation).
        blob.AddPolicy(RoundTrips, HttpPipelinePosition.PerRetry);
        queue.AddPolicy(RoundTrips, HttpPipelinePosition.PerRetry);
        table.AddPolicy(RoundTrips, HttpPipelinePosition.PerRetry);
        StorageAccountClientProvider account;
        if (o.UsesIdentity)
        {
            credential ??= new Azure.Identity.DefaultAzureCredential();
            var queueUri = o.QueueUri;
            account = new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(o.BlobUri, credential, blob), StorageServiceClientProvider.ForQueue(queueUri, credential, queue),
                StorageServiceClientProvider.ForTable(o.TableUri, credential, table));
        }
        else
        {
            var cs = o.EffectiveConnectionString;
            account = new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(cs, blob), StorageServiceClientProvider.ForQueue(cs, queue), StorageServiceClientProvider.ForTable(cs, table));
        }
        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = TaskHubOptions.HubName(o),
            StorageAccountClientProvider = account,
            PartitionCount = options.PartitionCount,
            WorkerId = workerId,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            ControlQueueVisibilityTimeout = options.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.WorkItemQueueVisibilityTimeout,
            LoggerFactory = logs,
            // Events that reach an execution after it called ContinueAsNew go to the next execution, never dropped.
            EventBehaviourForContinueAsNew = BehaviorOnContinueAsNew.Carryover,
            // A start for an ID that exists fails loudly instead of doing nothing (JourneyClient starts with dedupe statuses).
            ThrowExceptionOnInvalidDedupeStatus = true,
        };
    }

    /// <summary>
    /// Creates the hub (the sidecar never does: its dispatcher only starts it) and starts the sidecar, in the background:
    /// storage that is down at start-up delays the journeys, not the host, whose API answers 503 meanwhile
    /// (StorageUnavailableMiddleware). Tried again with backoff until it works.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _starting = Task.Run(() => StartWhenStorageAnswersAsync(_stopping.Token), CancellationToken.None);
        // Normally the sidecar serves within a second: wait for it, so the worker (started next) and the first requests
        // find it listening rather than a missing socket (gRPC then backs off). Storage that does not answer stops only
        // this wait, not the host.
        await Task.WhenAny(_started.Task, Task.Delay(StartWait, cancellationToken));
    }

    /// <summary>How long the host's start waits for the hub before it goes on without it.</summary>
    public static readonly TimeSpan StartWait = TimeSpan.FromSeconds(15);

    /// <summary>Completes when the hub is created and the sidecar serves (tests, and hosts that want to wait).</summary>
    public Task Started => _started.Task;

    private async Task StartWhenStorageAnswersAsync(CancellationToken ct)
    {
        try
        {
            await KeepTrying.Pipeline(_log, "The task hub could not start").ExecuteAsync(async token =>
            {
                await Service.CreateIfNotExistsAsync();
                // A web host of the old kind on purpose: a generic host built here would announce itself to
                // WebApplicationFactory's host resolver (tests), which could take it for the app's own.
#pragma warning disable ASPDEPR004, ASPDEPR008
                var sidecar = new WebHostBuilder()
                    .UseKestrel(k => k.ListenUnixSocket(_socket, l => l.Protocols = HttpProtocols.Http2))
                    .ConfigureServices(services =>
                    {
                        services.AddSingleton(_logs);
                        services.AddRouting();
                        services.AddGrpc();
                        services.AddSingleton<IOrchestrationService>(_backend);
                        services.AddSingleton<IOrchestrationServiceClient>(Service);
                        services.AddSingleton<TaskHubGrpcServer>();
                    })
                    .Configure(app => app.UseRouting().UseEndpoints(e => e.MapGrpcService<TaskHubGrpcServer>()))
                    .Build();
#pragma warning restore ASPDEPR004, ASPDEPR008
                await sidecar.StartAsync(token);
                _sidecar = sidecar;
                _log.LogInformation("Task hub {Hub} started as worker {WorkerId}.", TaskHubOptions.HubName(_storage.Options), WorkerId);
                _started.TrySetResult();
                _readiness.MarkReady();
            }, ct);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // stopping: storage never came
        }
    }

    /// <summary>
    /// Stops the backend first, forced, then the sidecar. Forced, the backend drops its sessions, so its partitions drain at
    /// once and its leases are released; stopped by the sidecar (not forced), it waits for sessions held by work items the
    /// stopped worker will never finish: up to a minute per partition, during which its lease and queue loops go on (seen
    /// on 3 December as 57 of 152 test apps whose hubs still polled after their storage was deleted). An email or commit
    /// cut off here runs again on the host that takes the partition over, as after a crash (ADR 010).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            // The hub's creation is not cancellable (CreateIfNotExistsAsync): a stop waits for it only as long as the host allows.
            if (_starting is not null) await _starting.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _log.LogWarning("The task hub was still being created when the host's shutdown timeout ran out.");
        }
        if (_sidecar is null) return;
        // Bounded and never throws (SidecarOrchestrationService); nothing if the backend never started.
        await _backend.StopAsync(isForced: true);
        try
        {
            await _sidecar.StopAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _log.LogWarning("The task hub's sidecar did not stop within the host's shutdown timeout.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        _sidecar?.Dispose();
        try
        {
            File.Delete(_socket);
        }
        catch (IOException)
        {
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
