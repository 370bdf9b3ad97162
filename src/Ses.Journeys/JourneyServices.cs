using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ses.Journeys;

/// <summary>The journey library's services and its task registrations, the same in both hosts.</summary>
public static class JourneyServices
{
    public static IServiceCollection AddJourneyWorkflow(this IServiceCollection services, JourneyOptions? options = null)
    {
        services.AddSingleton(options ?? new JourneyOptions());
        services.TryAddSingleton(TaskHubReadiness.Ready());
        services.AddSingleton<JourneyReplies>();
        services.AddSingleton<StepStore>();
        services.AddSingleton<EmailDelivery>();
        services.AddSingleton<SealingDataConverter>();
        // A host that has a client in its container (the local host, the tests' in-memory hub) gives it; under the Functions
        // host the bindings offer theirs (TaskHubClients.Offer).
        services.TryAddSingleton(sp => sp.GetService<Microsoft.DurableTask.Client.DurableTaskClient>() is { } client
            ? TaskHubClients.Of(client, sp.GetRequiredService<TaskHubReadiness>())
            : new TaskHubClients(sp.GetRequiredService<TaskHubReadiness>()));
        services.AddSingleton<JourneyClient>();
        return services;
    }

    /// <summary>Every orchestrator and activity of the journeys, under the names of <see cref="Names"/>.</summary>
    public static void AddJourneyTasks(this DurableTaskRegistry registry)
    {
        registry.AddOrchestrator<JourneyOrchestrator>();
        registry.AddActivity<CommitJourney>();
        registry.AddActivity<SendEmail>();
        registry.AddActivity<PurgeJourney>();
    }
}
