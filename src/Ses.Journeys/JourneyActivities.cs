using Microsoft.DurableTask;
using Ses.Infrastructure.Documents;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;

namespace Ses.Journeys;

/// <summary>
/// Exceptions leave the task hub as text (stored in its History table): only the exception's type and a status code go
/// there, never a message that could quote data (SPEC 6). The full exception is logged by type only, as everywhere.
/// </summary>
public sealed class JourneyActivityException(string message) : Exception(message)
{
    public static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (ex is not JourneyActivityException)
        {
            var status = ex is Azure.RequestFailedException rf ? $" (storage answered {rf.Status})" : "";
            throw new JourneyActivityException($"{ex.GetType().Name}{status}");
        }
    }
}

/// <summary>
/// Writes a step to the read models, hands its reply to a waiting handler of this process, and then makes the first
/// attempt at each email the step created (<see cref="JourneyCommit.SendEmails"/>), in the same activity: one
/// orchestration work item fewer for every step that emails, which is most of them. What it returns in
/// <see cref="CommitResult.Deliveries"/> is what is left to deliver: retries with their time, or (without SendEmails)
/// every new email, due now. Run again after a crash, the commit finds its own rows and each email its own mark
/// (<see cref="EmailDelivery"/>), so nothing is written or sent twice.
/// </summary>
[DurableTask(Names.CommitJourney)]
public sealed class CommitJourney(StepStore steps, JourneyReplies replies, EmailDelivery delivery) : TaskActivity<JourneyCommit, CommitResult>
{
    public override Task<CommitResult> RunAsync(TaskActivityContext context, JourneyCommit input) => JourneyActivityException.Guard(async () =>
    {
        var result = await steps.CommitAsync(input);
        if (result.Committed && input.Reply is { } reply) replies.Complete(reply, input.After);
        if (!result.Committed || !input.SendEmails || input.After is not { } journey || result.Deliveries.Count == 0) return result;
        return result with { Deliveries = await delivery.FirstAttemptsAsync(journey.ReferralId, journey.Referral.Provider, result.Deliveries) };
    });
}

/// <summary>One attempt at one email (<see cref="EmailDelivery"/>).</summary>
[DurableTask(Names.SendEmail)]
public sealed class SendEmail(EmailDelivery delivery) : TaskActivity<SendEmailRequest, SendEmailResult>
{
    public override Task<SendEmailResult> RunAsync(TaskActivityContext context, SendEmailRequest input) =>
        JourneyActivityException.Guard(() => delivery.SendAsync(input));
}

/// <summary>
/// SPEC 6: removes everything of a journey from the product's tables and containers, and destroys its data key last
/// (crypto-shredding, ADR 005); the task hub's instance and history go when the orchestration has ended.
/// </summary>
[DurableTask(Names.PurgeJourney)]
public sealed class PurgeJourney(
    JourneyStore store, JourneyIndex listings, DocumentStore documents, JourneyKeyStore keys, EmailDelivery delivery, StorageClients storage, JourneyReplies replies)
    : TaskActivity<PurgeRequest, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, PurgeRequest input) => JourneyActivityException.Guard(async () =>
    {
        var journeyId = input.JourneyId;
        if (await store.GetAsync(journeyId) is { } stored)
        {
            foreach (var n in await store.NotificationsAsync(journeyId))
            {
                await delivery.ClearAsync(EmailDelivery.FailedPartition, n.NotificationId, default);
                await delivery.ClearAsync(EmailDelivery.RetryingPartition, n.NotificationId, default);
            }
            await documents.DeleteAllAsync(journeyId);
            await listings.DeleteAsync(stored.Journey);
            await DeleteWakeUpsAsync(storage, journeyId);
        }
        await store.PurgePartitionAsync(journeyId);
        await keys.DeleteAsync(journeyId);
        replies.Complete(new StepReply(input.RequestId, ReplyOutcome.Purged), null);
        return true;
    });

    private static async Task DeleteWakeUpsAsync(StorageClients storage, string journeyId)
    {
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter(
            $"PartitionKey eq {IndexKeys.Partition} and RowKey ge {StepStore.WakePrefix} and RowKey lt {"v}"} and JourneyId eq {journeyId}");
        await foreach (var row in storage.Index.QueryAsync<Azure.Data.Tables.TableEntity>(filter, select: ["PartitionKey", "RowKey"]))
        {
            await storage.Index.DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All);
        }
    }
}
