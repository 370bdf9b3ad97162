using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Ses.Journeys;

namespace Ses.FunctionApp;

/// <summary>
/// The journey's orchestrator and activities as functions: each a wrapper of the class the local worker registers
/// (<see cref="JourneyServices.AddJourneyTasks"/>), under the same name (<see cref="Names"/>), which is what the
/// orchestration calls its activities by. What Microsoft.DurableTask.Generators would write, had the registry served it.
/// </summary>
public static class JourneyFunctions
{
    [Function(Names.Journey)]
    public static Task<string?> Journey([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new JourneyOrchestrator().RunAsync(context, context.GetInput<JourneyRun>()!);

    [Function(Names.CommitJourney)]
    public static Task<CommitResult> CommitJourney([ActivityTrigger] JourneyCommit input, string instanceId, FunctionContext function) =>
        Activity<Journeys.CommitJourney>(function).RunAsync(new ActivityContext(Names.CommitJourney, instanceId), input);

    [Function(Names.SendEmail)]
    public static Task<SendEmailResult> SendEmail([ActivityTrigger] SendEmailRequest input, string instanceId, FunctionContext function) =>
        Activity<Journeys.SendEmail>(function).RunAsync(new ActivityContext(Names.SendEmail, instanceId), input);

    [Function(Names.PurgeJourney)]
    public static Task<bool> PurgeJourney([ActivityTrigger] PurgeRequest input, string instanceId, FunctionContext function) =>
        Activity<Journeys.PurgeJourney>(function).RunAsync(new ActivityContext(Names.PurgeJourney, instanceId), input);

    /// <summary>
    /// Every minute, the host's durable client for whatever started before any function ran: in Virtual mode the
    /// resumer of a clock move a killed host left unfinished (ClockMoveResumer) waits for it. Nothing else.
    /// </summary>
    [Function("TaskHubClient")]
    public static void TaskHubClient([TimerTrigger("0 */1 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        function.InstanceServices.GetRequiredService<TaskHubClients>().Offer(client);

    private static T Activity<T>(FunctionContext function) where T : class =>
        ActivatorUtilities.GetServiceOrCreateInstance<T>(function.InstanceServices);

    private sealed class ActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name => name;
        public override string InstanceId => instanceId;
    }
}
