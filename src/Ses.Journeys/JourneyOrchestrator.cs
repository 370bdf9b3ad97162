using Microsoft.DurableTask;
using Ses.Infrastructure.Outbox;

namespace Ses.Journeys;

/// <summary>
/// One participant's journey as an eternal orchestration (ADR 009). Each execution is one step: wait for a message or the
/// next wake-up (a durable timer: the next deadline step in System mode, the next email retry in both modes), plan the
/// step with the pure <see cref="JourneyStep"/>, commit it and send its emails as activities, then <c>ContinueAsNew</c>
/// with the new state, so history stays short whatever a journey lives through and a new build takes over at the next
/// step. Nothing here reads a clock, storage or configuration: time is <c>CurrentUtcDateTime</c> or the message's own.
/// </summary>
[DurableTask(Names.Journey)]
public sealed class JourneyOrchestrator : TaskOrchestrator<JourneyRun, string?>
{
    /// <summary>Storage that fails is retried for as long as it takes: a step is never given up.</summary>
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: int.MaxValue, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));

    public override async Task<string?> RunAsync(TaskOrchestrationContext context, JourneyRun run)
    {
        context.SetCustomStatus(JourneyStatus.Of(run));
        var waiting = run.Inbox.Count == 0 ? context.WaitForExternalEvent<JourneyMessage>(Names.Message) : null;
        var message = run.Inbox.FirstOrDefault();
        if (waiting is not null)
        {
            if (NextWake(run) is { } wakeAt)
            {
                using var cancel = new CancellationTokenSource();
                var timer = context.CreateTimer(wakeAt.UtcDateTime, cancel.Token);
                if (await Task.WhenAny(waiting, timer) == waiting) cancel.Cancel();
            }
            else
            {
                await waiting;
            }
            if (waiting.IsCompletedSuccessfully)
            {
                message = waiting.Result;
                waiting = null;
            }
        }
        var now = new DateTimeOffset(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));
        var handled = run.Handled;
        if (message is not null)
        {
            // Delivered again (at least once): answered by the first delivery; this step only carries on.
            if (handled.Contains(message.RequestId)) message = null;
            else handled = [.. handled.TakeLast(JourneyRun.HandledKept - 1), message.RequestId];
        }
        var next = await StepAsync(context, run, message, now);
        if (next is null) return "purged";
        // Messages that arrived while the step ran are not lost across ContinueAsNew: the one the timer's waiter took, and
        // every one buffered since (taking a buffered event completes at once), become the next steps' inbox. The backend's
        // carry-over (LocalTaskHub) covers those that come in the same batch after this code has finished.
        var inbox = run.Inbox.Skip(1).ToList();
        if (waiting is { IsCompletedSuccessfully: true }) inbox.Add(waiting.Result);
        for (var buffered = context.WaitForExternalEvent<JourneyMessage>(Names.Message);
             buffered.IsCompletedSuccessfully;
             buffered = context.WaitForExternalEvent<JourneyMessage>(Names.Message))
        {
            inbox.Add(buffered.Result);
        }
        context.ContinueAsNew(next with { Inbox = inbox, Handled = handled }, preserveUnprocessedEvents: true);
        return null;
    }

    /// <summary>The step; null when the journey was purged (the orchestration then ends).</summary>
    private static async Task<JourneyRun?> StepAsync(TaskOrchestrationContext context, JourneyRun run, JourneyMessage? message, DateTimeOffset now)
    {
        var plan = JourneyStep.Plan(run, message, now);
        if (plan.Purge)
        {
            // Answered by the purge itself: the reply row would go with the journey's partition.
            await context.CallActivityAsync(Names.PurgeJourney, new PurgeRequest(run.JourneyId, plan.Reply!.RequestId), Retry);
            return null;
        }
        var hash = run.RequestHash ?? (message as ReferralMessage)?.RequestHash;
        var result = await CommitAsync(context, run, plan, now, hash);
        if (result?.UsedFingerprint is { } used)
        {
            // The eventId was used before (a retry whose first try already landed): decide again knowing it.
            plan = JourneyStep.Plan(run, message, now, previousUse: used);
            result = await CommitAsync(context, run, plan, now, hash);
        }
        var deliveries = run.Deliveries.ToList();
        deliveries.AddRange(result?.Deliveries ?? []);
        if (plan.Resend is { } resend && deliveries.All(d => d.Notification.NotificationId != resend))
        {
            deliveries.Add(new Delivery(PlaceHolder(run.JourneyId, resend), null, now, Resend: true));
        }
        deliveries = await DeliverAsync(context, run, plan.After, deliveries, now);
        return run with
        {
            State = plan.After, Deliveries = deliveries, RequestHash = hash,
            WakeAt = run.Policy.VirtualClock ? plan.NextStepAt : null,
        };
    }

    private static async Task<CommitResult?> CommitAsync(TaskOrchestrationContext context, JourneyRun run, StepPlan plan, DateTimeOffset now, string? hash)
    {
        if (plan.Decisions.Count == 0 && plan.Reply is null) return null;
        var commit = new JourneyCommit(run.JourneyId, run.State, plan.After, plan.Decisions, plan.Reply, plan.Decisions.LastOrDefault()?.At ?? now)
        {
            EventId = plan.EventKey?.EventId, Fingerprint = plan.EventKey?.Fingerprint,
            RequestHash = hash,
            WakeIndex = run.Policy.VirtualClock, OldWakeAt = run.WakeAt, NewWakeAt = run.Policy.VirtualClock ? plan.NextStepAt : null,
            SendEmails = true,
        };
        return await context.CallActivityAsync<CommitResult>(Names.CommitJourney, commit, Retry);
    }

    /// <summary>
    /// Sends every email that is due now (new ones, and retries whose time has come), all at once, with the alerts of those
    /// that fail for good (<see cref="DeliveryRounds"/>). Those still to retry are kept, with their next attempt.
    /// </summary>
    private static async Task<List<Delivery>> DeliverAsync(
        TaskOrchestrationContext context, JourneyRun run, Ses.Domain.Journeys.Journey? journey, List<Delivery> deliveries, DateTimeOffset now)
    {
        if (journey is null) return deliveries;
        var due = deliveries.Where(d => d.NextAttemptAt <= now).ToList();
        if (due.Count == 0) return deliveries;
        var left = await DeliveryRounds.SendAsync(due, d => context.CallActivityAsync<SendEmailResult>(
            Names.SendEmail, new SendEmailRequest(run.JourneyId, journey.ReferralId, journey.Referral.Provider, d), Retry), now);
        return [.. deliveries.Except(due), .. left];
    }

    /// <summary>System mode: the next deadline step or email retry, whichever is first; Virtual mode: email retries only.</summary>
    private static DateTimeOffset? NextWake(JourneyRun run)
    {
        DateTimeOffset? step = null;
        if (!run.Policy.VirtualClock && run.State is { } state)
        {
            step = Ses.Domain.Journeys.TimerPlan.Pending(state, run.Policy.Rules.Calendar, run.Policy.ReminderTime).FirstOrDefault()?.FireAt;
        }
        var retry = run.Deliveries.Count == 0 ? (DateTimeOffset?)null : run.Deliveries.Min(d => d.NextAttemptAt);
        return step is null ? retry : retry is null ? step : step < retry ? step : retry;
    }

    /// <summary>A resend names a stored email the orchestration no longer holds: the activity reads it by its ID.</summary>
    private static Notification PlaceHolder(string journeyId, string notificationId) =>
        new(notificationId, journeyId, "", [], "", "", NotificationStatus.Failed, 0, default, null, null);
}
