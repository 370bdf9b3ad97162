using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Options;
using Ses.Journeys;

namespace Ses.Functions.Hosting;

/// <summary>
/// The local engine (ADR 009): the task hub on this process's storage account through the sidecar (<see cref="LocalTaskHub"/>,
/// started before the worker), the Durable Task worker running the journeys' orchestrations and activities, and the
/// client the handlers use; both serialise with the sealing data converter. Under the Functions host the Durable
/// extension is all of this (src/Ses.FunctionApp).
/// </summary>
public static class LocalEngine
{
    public static IServiceCollection AddLocalTaskHub(this IServiceCollection services, IConfiguration config)
    {
        var hub = config.GetSection("DurableTask").Get<TaskHubOptions>() ?? new TaskHubOptions();
        services.AddSingleton(hub);
        services.AddSingleton<LocalTaskHub>();
        services.AddHostedService(sp => sp.GetRequiredService<LocalTaskHub>());
        services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc();
            b.AddTasks(r => r.AddJourneyTasks());
        });
        services.AddDurableTaskClient(b =>
        {
            b.UseGrpc();
            b.RegisterDirectly();
        });
        services.AddOptions<Microsoft.DurableTask.Worker.Grpc.GrpcDurableTaskWorkerOptions>(Options.DefaultName)
            .Configure<LocalTaskHub>((o, local) => o.Channel = local.Channel);
        services.AddOptions<Microsoft.DurableTask.Client.Grpc.GrpcDurableTaskClientOptions>(Options.DefaultName)
            .Configure<LocalTaskHub>((o, local) => o.Channel = local.Channel);
        services.AddOptions<DurableTaskWorkerOptions>(Options.DefaultName)
            .Configure<SealingDataConverter>((o, converter) =>
            {
                o.DataConverter = converter;
                o.Concurrency.MaximumConcurrentActivityWorkItems = hub.MaxConcurrentActivities;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = hub.MaxConcurrentOrchestrations;
            });
        services.AddOptions<DurableTaskClientOptions>(Options.DefaultName)
            .Configure<SealingDataConverter>((o, converter) => o.DataConverter = converter);
        return services;
    }
}
