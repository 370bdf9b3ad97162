using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ses.Bench;

/// <summary>
/// The floor of the product's stack: bare Durable Task orchestrations of the product's three shapes on the same Azurite in
/// the same run, with the backend settings the product uses (Azure Storage backend, 4 partitions, 1-s polling, 100
/// concurrent work items, events after ContinueAsNew carried over) behind the SDK's gRPC sidecar in this process, and no
/// product code: (1) start an orchestration that runs one activity; (2) an event to a waiting orchestration that runs one
/// activity and continues as new (the product's event step); (3) a durable timer that fires and runs two activities (a
/// deadline step and its email). Activities do nothing. Every storage request of the backend is counted.
/// </summary>
public sealed class DurableBench : IAsyncDisposable
{
    private readonly int _n;
    private readonly int _clients;
    private readonly TextWriter _log;
    private readonly RequestCounter _requests = new();
    private readonly AzureStorageOrchestrationService _service;
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"ses-bench-{Guid.NewGuid().ToString("N")[..12]}.sock");
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _done = new();
    private IHost? _sidecar;
    private IHost? _worker;
    private DurableTaskClient? _client;

    public sealed record Result(double Rate, double Requests);

    public DurableBench(string connectionString, string hub, int n, int clients, TextWriter log)
    {
        _n = n;
        _clients = clients;
        _log = log;
        var blob = new BlobClientOptions();
        var queue = new QueueClientOptions();
        var table = new TableClientOptions();
        blob.AddPolicy(_requests, HttpPipelinePosition.PerRetry);
        queue.AddPolicy(_requests, HttpPipelinePosition.PerRetry);
        table.AddPolicy(_requests, HttpPipelinePosition.PerRetry);
        _service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hub,
            StorageAccountClientProvider = new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(connectionString, blob), StorageServiceClientProvider.ForQueue(connectionString, queue),
                StorageServiceClientProvider.ForTable(connectionString, table)),
            PartitionCount = 4,
            WorkerId = $"bench-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}",
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            MaxConcurrentTaskActivityWorkItems = 100,
            MaxConcurrentTaskOrchestrationWorkItems = 100,
            EventBehaviourForContinueAsNew = BehaviorOnContinueAsNew.Carryover,
        });
    }

    public async Task StartAsync()
    {
        await _service.CreateIfNotExistsAsync();
        var sidecar = WebApplication.CreateSlimBuilder();
        sidecar.Logging.ClearProviders();
        sidecar.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(_socket, l => l.Protocols = HttpProtocols.Http2));
        sidecar.Services.AddGrpc();
        sidecar.Services.AddSingleton<IOrchestrationService>(_service);
        sidecar.Services.AddSingleton<IOrchestrationServiceClient>(_service);
        sidecar.Services.AddSingleton<TaskHubGrpcServer>();
        var app = sidecar.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync();
        _sidecar = app;

        var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                    await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(_socket), ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                },
            },
        });
        var worker = Host.CreateApplicationBuilder();
        worker.Logging.ClearProviders();
        worker.Services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(channel);
            b.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = 100;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = 100;
            });
            b.AddTasks(r =>
            {
                r.AddActivityFunc<string, string>("Nothing", (_, input) => input);
                r.AddActivityFunc<string, string>("Done", (_, input) =>
                {
                    if (_done.TryGetValue(input, out var done)) done.TrySetResult();
                    return input;
                });
                // (1) start and one activity
                r.AddOrchestratorFunc<string, string>("Start", async (context, input) => await context.CallActivityAsync<string>("Done", input));
                // (2) wait for an event, one activity, continue as new (as the product's journey does after every step)
                r.AddOrchestratorFunc<string, string?>("Waiter", async (context, input) =>
                {
                    var message = await context.WaitForExternalEvent<string>("message");
                    await context.CallActivityAsync<string>("Done", context.InstanceId + "|" + message);
                    context.ContinueAsNew(input, preserveUnprocessedEvents: true);
                    return null;
                });
                // (3) a timer, then two activities (the deadline step's commit and its email)
                r.AddOrchestratorFunc<DateTime, string>("Timer", async (context, fireAt) =>
                {
                    await context.CreateTimer(fireAt, CancellationToken.None);
                    await context.CallActivityAsync<string>("Nothing", context.InstanceId);
                    return await context.CallActivityAsync<string>("Done", context.InstanceId + "|fired");
                });
            });
        });
        worker.Services.AddDurableTaskClient(b => b.UseGrpc(channel));
        _worker = worker.Build();
        await _worker.StartAsync();
        _client = _worker.Services.GetRequiredService<DurableTaskClient>();
        // The first calls (JIT, connections, partitions acquired) before anything is timed.
        var warm = Enumerable.Range(0, 16).Select(i => $"warm-{i}").ToArray();
        await RunAsync(warm, id => _client.ScheduleNewOrchestrationInstanceAsync("Start", id, new StartOrchestrationOptions(id)), id => id);
    }

    /// <summary>(1) N starts of an orchestration that runs one activity, <c>clients</c> in flight: starts per second.</summary>
    public Task<Result> StartsAsync() => MeasureAsync("bare: start + activity", Ids("s"),
        id => _client!.ScheduleNewOrchestrationInstanceAsync("Start", id, new StartOrchestrationOptions(id)), id => id);

    /// <summary>(2) N events, each to its own waiting orchestration, <c>clients</c> in flight: event steps per second.</summary>
    public async Task<Result> EventsAsync()
    {
        var ids = Ids("e");
        // Not timed: N orchestrations waiting for their event.
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = _clients }, async (id, ct) =>
            await _client!.ScheduleNewOrchestrationInstanceAsync("Waiter", "", new StartOrchestrationOptions(id), ct));
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = _clients }, async (id, ct) =>
            await _client!.WaitForInstanceStartAsync(id, ct));
        await Task.Delay(TimeSpan.FromSeconds(2)); // every one at its WaitForExternalEvent
        return await MeasureAsync("bare: event + activity", ids, id => _client!.RaiseEventAsync(id, "message", "m"), id => id + "|m");
    }

    /// <summary>
    /// (3) N orchestrations started with one timer each, all due at the same moment a little after the last start: from
    /// that moment to the last second activity, fired timers per second.
    /// </summary>
    public async Task<Result> TimersAsync()
    {
        var ids = Ids("t");
        foreach (var id in ids) _done[id + "|fired"] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var startWatch = Stopwatch.StartNew();
        // Room for every start before the timers are due (starts run at 15-40 a second here); if the starts still take
        // longer, the phase is timed from the last start, so it never counts start work.
        var fireAt = DateTime.UtcNow.AddSeconds(10 + _n / 10.0);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = _clients }, async (id, ct) =>
            await _client!.ScheduleNewOrchestrationInstanceAsync("Timer", fireAt, new StartOrchestrationOptions(id), ct));
        _log.WriteLine($"  bare: {_n} timers started in {startWatch.Elapsed.TotalSeconds:N1} s");
        var wait = fireAt - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var before = _requests.Count;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(ids.Select(id => _done[id + "|fired"].Task));
        var seconds = watch.Elapsed.TotalSeconds;
        var requests = _requests.Count - before;
        _log.WriteLine($"  bare: timer + 2 activities: {_n} in {seconds:N1} s");
        return new Result(_n / seconds, requests / (double)_n);
    }

    private string[] Ids(string kind) => Enumerable.Range(0, _n).Select(i => $"{kind}-{i:D7}").ToArray();

    private async Task<Result> MeasureAsync(string name, string[] ids, Func<string, Task> send, Func<string, string> doneKey)
    {
        var before = _requests.Count;
        var watch = Stopwatch.StartNew();
        await RunAsync(ids, send, doneKey);
        var seconds = watch.Elapsed.TotalSeconds;
        var requests = _requests.Count - before;
        _log.WriteLine($"  {name}: {_n} in {seconds:N1} s");
        return new Result(_n / seconds, requests / (double)_n);
    }

    /// <summary>Each of <paramref name="ids"/> sent and waited for (its activity ran), <c>clients</c> in flight, as the product's clients wait for their answer.</summary>
    private async Task RunAsync(string[] ids, Func<string, Task> send, Func<string, string> doneKey)
    {
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = _clients }, async (id, _) =>
        {
            var done = _done.GetOrAdd(doneKey(id), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            await send(id);
            await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync();
            _worker.Dispose();
        }
        await _service.StopAsync(isForced: true);
        if (_sidecar is not null)
        {
            await _sidecar.StopAsync();
            _sidecar.Dispose();
        }
        File.Delete(_socket);
    }
}
