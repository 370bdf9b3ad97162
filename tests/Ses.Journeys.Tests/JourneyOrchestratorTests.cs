using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Outbox;

namespace Ses.Journeys.Tests;

/// <summary>
/// The orchestrator on Durable Task's in-memory test host, its activities replaced by recorders: what it commits and
/// sends for each command and wake-up path. Storage, emails and crashes are the integration suite's (on Azurite).
/// </summary>
public sealed class JourneyOrchestratorTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentQueue<JourneyCommit> _commits = new();
    private readonly ConcurrentQueue<SendEmailRequest> _sends = new();
    private readonly ConcurrentQueue<PurgeRequest> _purges = new();
    /// <summary>What the fake SendGrid answers, attempt by attempt (default: done).</summary>
    private readonly ConcurrentQueue<DeliveryState> _sendOutcomes = new();
    private readonly ConcurrentDictionary<string, string> _usedKeys = new();
    /// <summary>Commits awaited by request ID: set when the step answering that request commits.</summary>
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JourneyCommit>> _answered = new();
    private DurableTaskTestHost _host = null!;
    private volatile bool _olderBuild;

    public async Task InitializeAsync()
    {
        // The test host listens on a loopback TCP port: one the OS gives out, tried again if another process took it first.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _host = await StartHostAsync(FreePort());
                return;
            }
            catch (IOException) when (attempt < 5)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<DurableTaskTestHost> StartHostAsync(int port) =>
        DurableTaskTestHost.StartAsync(r =>
        {
            // The build running: this one, unless a test has an older one start its journeys (see OlderBuildJourney).
            r.AddOrchestrator(Names.Journey, () => _olderBuild ? new OlderBuildJourney() : new JourneyOrchestrator());
            r.AddActivityFunc<JourneyCommit, CommitResult>(Names.CommitJourney, (_, c) => Commit(c));
            r.AddActivityFunc<SendEmailRequest, SendEmailResult>(Names.SendEmail, (_, s) => Send(s));
            r.AddActivityFunc<PurgeRequest, bool>(Names.PurgeJourney, (_, p) => { _purges.Enqueue(p); return true; });
        }, new DurableTaskTestHostOptions
        {
            Port = port,
            ConfigureServices = services =>
            {
                services.Configure<DurableTaskWorkerOptions>(o => o.DataConverter = JourneyJsonConverter.Shared);
                services.Configure<DurableTaskClientOptions>(o => o.DataConverter = JourneyJsonConverter.Shared);
            },
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private DurableTaskClient Client => _host.Client;

    private CommitResult Commit(JourneyCommit c)
    {
        // An eventId is claimed once: a second commit claiming it is told the fingerprint it was used with, as storage would.
        if (c.EventId is { } key && !_usedKeys.TryAdd($"{c.JourneyId}|{key}", c.Fingerprint!))
        {
            return new CommitResult(c.JourneyId, false, _usedKeys[$"{c.JourneyId}|{key}"], []);
        }
        _commits.Enqueue(c);
        if (c.Reply?.RequestId is { } answered && _answered.TryGetValue(answered, out var waiter)) waiter.TrySetResult(c);
        var emails = c.Decisions.SelectMany(d => d.Events.OfType<NotificationRequested>().Select((n, i) =>
            new Notification(Notification.IdFor(c.JourneyId, $"n-{d.Version:D8}-{i:D3}"), c.JourneyId, n.Template, ["x@example.org"], "s", "b",
                NotificationStatus.Queued, 0, d.At, null, null)));
        var deliveries = emails.Select(n => new Delivery(n, "etag", DateTimeOffset.MinValue)).ToArray();
        if (!c.SendEmails) return new CommitResult(c.JourneyId, true, null, deliveries);
        // As the real activity does: the first attempt at each, in the commit; what is left is the retries, with their time.
        var left = deliveries.Select(d => Send(new SendEmailRequest(c.JourneyId, c.After!.ReferralId, c.After.Referral.Provider, d)).Next).OfType<Delivery>();
        return new CommitResult(c.JourneyId, true, null, left.ToArray());
    }

    private SendEmailResult Send(SendEmailRequest s)
    {
        _sends.Enqueue(s);
        var outcome = _sendOutcomes.TryDequeue(out var next) ? next : DeliveryState.Done;
        return outcome == DeliveryState.Retry
            ? new SendEmailResult(s.JourneyId, DeliveryState.Retry, s.Delivery with { NextAttemptAt = DateTimeOffset.UtcNow.AddSeconds(1) }, null)
            : new SendEmailResult(s.JourneyId, outcome, null, null);
    }

    private async Task StartAsync(JourneyRun run, ReferralMessage referral) =>
        await Client.ScheduleNewOrchestrationInstanceAsync(Names.Journey, run with { Inbox = [referral] }, new StartOrchestrationOptions(run.JourneyId));

    private async Task RaiseAsync(JourneyMessage message) => await Client.RaiseEventAsync(message.JourneyId, Names.Message, message);

    /// <summary>Waits (bounded) for the orchestration to have done what it was asked; never to move time.</summary>
    private static async Task Eventually(Func<bool> done, string what)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!done())
        {
            try
            {
                await Task.Delay(20, bound.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Not done within 30 s: {what}.");
            }
        }
    }

    private IReadOnlyList<JourneyCommit> CommitsOf(string id) => _commits.Where(c => c.JourneyId == id).ToArray();

    [Fact]
    public async Task A_referral_then_an_event_are_two_steps_each_committed_with_its_reply()
    {
        var referral = Given.Referral("200000001");
        await StartAsync(new JourneyRun(referral.ReferralId, Given.Virtual), Given.ReferralMessage(referral, Given.London(3, 2, 10)));
        await Eventually(() => CommitsOf(referral.ReferralId).Count == 1, "the referral committed");
        await RaiseAsync(Given.Event(referral.ReferralId, new PrapAcknowledged(new DateOnly(2026, 3, 2)), Given.London(3, 2, 11)));
        await Eventually(() => CommitsOf(referral.ReferralId).Count == 2, "the event committed");

        var commits = CommitsOf(referral.ReferralId);
        Assert.Equal([1, 2], commits.Select(c => c.After!.Version));
        Assert.All(commits, c => Assert.Equal(ReplyOutcome.Applied, c.Reply!.Outcome));
        Assert.Null(commits[0].Before);
        Assert.Equal(1, commits[1].Before!.Version);
        var status = await Client.GetInstanceAsync(referral.ReferralId, getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Running, status!.RuntimeStatus);
        Assert.Contains("\"phase\":\"referred\"", status.SerializedCustomStatus);
    }

    [Fact] // Azure Storage queues deliver at least once: a message a host held when its partition moved comes again
    public async Task A_message_delivered_twice_is_one_step()
    {
        var referral = Given.Referral("200000009");
        await StartAsync(new JourneyRun(referral.ReferralId, Given.Virtual), Given.ReferralMessage(referral, Given.London(3, 2, 10)));
        var first = Given.Event(referral.ReferralId, new PrapAcknowledged(new DateOnly(2026, 3, 2)), Given.London(3, 2, 11));
        await RaiseAsync(first);
        await RaiseAsync(first);
        var second = Given.Event(referral.ReferralId, new InitialAssessmentBooked(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 4)), Given.London(3, 2, 12));
        await RaiseAsync(second);
        await Eventually(() => CommitsOf(referral.ReferralId).Any(c => c.Reply?.RequestId == second.RequestId), "the event after the repeat committed");

        var commits = CommitsOf(referral.ReferralId);
        Assert.Equal(1, commits.Count(c => c.Reply?.RequestId == first.RequestId));
        Assert.Equal([1, 2, 3], commits.Select(c => c.After!.Version));
    }

    [Fact]
    public async Task Twenty_events_raised_at_once_while_steps_are_running_are_each_applied_once_in_order()
    {
        var referral = Given.Referral("200000002");
        await StartAsync(new JourneyRun(referral.ReferralId, Given.Virtual), Given.ReferralMessage(referral, Given.London(3, 2, 10)));
        var events = Enumerable.Range(0, 20)
            .Select(i => Given.Event(referral.ReferralId, new InitialAssessmentBooked(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 3 + i % 5)), Given.London(3, 2, 11), $"b{i}"))
            .ToArray();
        foreach (var e in events) await RaiseAsync(e); // most arrive while an earlier step is committing

        await Eventually(() => CommitsOf(referral.ReferralId).Count == 21, "21 steps committed");
        var commits = CommitsOf(referral.ReferralId);
        Assert.Equal(events.Select(e => e.EventId), commits.Skip(1).Select(c => c.EventId));
        Assert.Equal(Enumerable.Range(1, 21), commits.Select(c => c.After!.Version));
    }

    [Fact]
    public async Task In_System_mode_a_deadline_fires_on_its_durable_timer_without_any_message()
    {
        // Referred today: its guidance deadlines are days away; a PRaP cancel deadline (24 hours after a back-out, 13.35)
        // is set two seconds from now, so the journey's own durable timer is what fires it.
        var today = Ses.Domain.Calendar.LondonTime.DateOf(DateTimeOffset.UtcNow);
        var referral = Given.Referral("200000003", today);
        var run = Given.Referred(Given.System, referral);
        var due = DateTimeOffset.UtcNow.AddSeconds(2);
        var state = JourneyEvolver.Evolve(run.State, new DeadlineScheduled(DeadlineKind.PrapCancel, today, due));
        await Client.ScheduleNewOrchestrationInstanceAsync(Names.Journey, run with { State = state }, new StartOrchestrationOptions(referral.ReferralId));

        await Eventually(() => CommitsOf(referral.ReferralId).Any(c => c.Decisions.Any(d => d.Events.Any(e => e is TimerFired { Kind: DeadlineKind.PrapCancel }))),
            "the PRaP cancel deadline fired");
        var fired = Assert.Single(CommitsOf(referral.ReferralId));
        Assert.Null(fired.Reply); // nobody asked: a timer
        Assert.True(fired.At >= due, $"fired at {fired.At:O}, due {due:O}");
        await Eventually(() => _sends.Any(s => s.JourneyId == referral.ReferralId && s.Delivery.Notification.Template == "deadline-missed"), "the alert emailed");
    }

    [Fact]
    public async Task A_retried_eventId_that_storage_says_was_used_with_the_same_event_is_answered_unchanged_and_applied_once()
    {
        var referral = Given.Referral("200000004");
        await StartAsync(new JourneyRun(referral.ReferralId, Given.Virtual), Given.ReferralMessage(referral, Given.London(3, 2, 10)));
        var ack = new PrapAcknowledged(new DateOnly(2026, 3, 2));
        await RaiseAsync(Given.Event(referral.ReferralId, ack, Given.London(3, 2, 11), "once"));
        var retry = Given.Event(referral.ReferralId, ack, Given.London(3, 2, 11), "once");
        await RaiseAsync(retry);

        await Eventually(() => CommitsOf(referral.ReferralId).Any(c => c.Reply?.RequestId == retry.RequestId), "the retry answered");
        var answer = CommitsOf(referral.ReferralId).Single(c => c.Reply?.RequestId == retry.RequestId);
        Assert.Equal(ReplyOutcome.Unchanged, answer.Reply!.Outcome);
        Assert.Empty(answer.Decisions);
        Assert.Single(CommitsOf(referral.ReferralId), c => c.EventId == "once");
    }

    [Fact]
    public async Task An_email_that_fails_transiently_is_kept_and_sent_again_on_its_own_timer()
    {
        var referral = Given.Referral("200000005");
        await StartAsync(new JourneyRun(referral.ReferralId, Given.Virtual), Given.ReferralMessage(referral, Given.London(3, 2, 10)));
        await Eventually(() => CommitsOf(referral.ReferralId).Count == 1, "the referral committed");
        _sendOutcomes.Enqueue(DeliveryState.Retry);
        await RaiseAsync(Given.Wake(referral.ReferralId, Given.London(3, 7, 8))); // the chase and its email

        await Eventually(() => _sends.Count(s => s.JourneyId == referral.ReferralId) == 2, "the chase's email sent a second time");
        var sends = _sends.Where(s => s.JourneyId == referral.ReferralId).ToArray();
        Assert.Equal(sends[0].Delivery.Notification.NotificationId, sends[1].Delivery.Notification.NotificationId);
        Assert.Single(CommitsOf(referral.ReferralId), c => c.Decisions.Any(d => d.Events.Any(e => e is TimerFired))); // the deadline fired once
    }

    [Fact]
    public async Task A_closed_journey_is_purged_and_its_orchestration_ends()
    {
        var referral = Given.Referral("200000006");
        await StartAsync(new JourneyRun(referral.ReferralId, Given.Virtual), Given.ReferralMessage(referral, Given.London(3, 2, 10)));
        await RaiseAsync(new TerminateMessage("test") { JourneyId = referral.ReferralId, RequestId = "t", Now = Given.London(3, 2, 11) });
        await RaiseAsync(new PurgeMessage { JourneyId = referral.ReferralId, RequestId = "p", Now = Given.London(3, 2, 12) });

        var done = await Client.WaitForInstanceCompletionAsync(referral.ReferralId, getInputsAndOutputs: false, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("p", Assert.Single(_purges, p => p.JourneyId == referral.ReferralId).RequestId);
    }

    [Fact]
    public async Task A_journey_of_ten_thousand_events_answers_each_within_a_bound_and_what_it_carries_does_not_grow()
    {
        // ContinueAsNew after every step (ADR 009): the orchestration's history is one step long and its input is the state
        // alone, so neither grows with what a journey has lived through. Rebooking the initial assessment is an event a
        // journey can take any number of times (its deadline is replaced, not added to).
        const int events = 10_000;
        var referral = Given.Referral("200000010");
        var id = referral.ReferralId;
        var referralMessage = Given.ReferralMessage(referral, Given.London(3, 2, 10));
        var first = Expect(referralMessage.RequestId);
        await StartAsync(new JourneyRun(id, Given.Virtual), referralMessage);
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        var slowest = TimeSpan.Zero;
        int inputAt100 = 0, stateAt100 = 0, largestInput = 0, largestState = 0;
        for (var i = 1; i <= events; i++)
        {
            var message = Given.Event(id, new InitialAssessmentBooked(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 3 + i % 5)), Given.London(3, 2, 11), $"e{i}");
            var answered = Expect(message.RequestId);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await RaiseAsync(message);
            var commit = await answered.WaitAsync(TimeSpan.FromSeconds(10)); // the bound: a TimeoutException fails the test
            _answered.TryRemove(message.RequestId, out _);
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            Assert.Equal(ReplyOutcome.Applied, commit.Reply!.Outcome);
            Assert.Equal(i + 1, commit.After!.Version);
            if (i % 100 != 0) continue;
            // The step after this one's ContinueAsNew is waiting with its input: the run this step handed on.
            var waiting = await WaitForInputAsync(id, i + 1);
            var state = JourneyJsonConverter.Shared.Serialize(commit.After)!.Length;
            if (i == 100) (inputAt100, stateAt100) = (waiting, state);
            largestInput = Math.Max(largestInput, waiting);
            largestState = Math.Max(largestState, state);
        }

        Assert.True(slowest < TimeSpan.FromSeconds(10), $"slowest answer {slowest}");
        // Equal up to the digits of a version number and the request IDs kept to tell a repeat (a bounded list).
        Assert.InRange(largestInput, inputAt100, inputAt100 + 64);
        Assert.InRange(largestState, stateAt100, stateAt100 + 16);
        var status = await Client.GetInstanceAsync(id, getInputsAndOutputs: false);
        Assert.Equal(OrchestrationRuntimeStatus.Running, status!.RuntimeStatus);
        output.WriteLine($"{events} events: slowest answer {slowest.TotalMilliseconds:F0} ms; input {inputAt100} bytes at 100, at most {largestInput}; state {stateAt100}, at most {largestState}");
    }

    private Task<JourneyCommit> Expect(string requestId) =>
        _answered.GetOrAdd(requestId, _ => new TaskCompletionSource<JourneyCommit>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The serialized input of the journey's current execution once it carries state of <paramref name="version"/>.</summary>
    private async Task<int> WaitForInputAsync(string id, int version)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var instance = await Client.GetInstanceAsync(id, getInputsAndOutputs: true, bound.Token);
            var run = instance?.ReadInputAs<JourneyRun>();
            if (run?.State?.Version == version) return instance!.SerializedInput!.Length;
            await Task.Delay(10, bound.Token);
        }
    }

    [Fact]
    public async Task A_journey_waiting_under_an_older_build_carries_on_under_this_one()
    {
        // Started by an older build whose step was different (it committed without sending the step's emails), then left
        // waiting for its next message, as at a deployment; the message comes to this build, which replays the waiting
        // execution (nothing but its start: ContinueAsNew after every step) and runs its own step.
        var referral = Given.Referral("200000011");
        _olderBuild = true;
        await StartAsync(new JourneyRun(referral.ReferralId, Given.Virtual), Given.ReferralMessage(referral, Given.London(3, 2, 10)));
        await Eventually(() => CommitsOf(referral.ReferralId).Count == 1, "the older build committed the referral");
        await WaitForInputAsync(referral.ReferralId, 1); // waiting, in the execution the older build continued as
        _olderBuild = false;

        var ack = Given.Event(referral.ReferralId, new PrapAcknowledged(new DateOnly(2026, 3, 2)), Given.London(3, 2, 11));
        var answered = Expect(ack.RequestId);
        await RaiseAsync(ack);
        var commit = await answered.WaitAsync(TimeSpan.FromSeconds(30));

        var commits = CommitsOf(referral.ReferralId);
        Assert.False(commits[0].SendEmails); // the older build's step
        Assert.True(commit.SendEmails); // this build's
        Assert.Equal(ReplyOutcome.Applied, commit.Reply!.Outcome);
        Assert.Equal(2, commit.After!.Version);
        Assert.Equal(1, commit.Before!.Version);
        var status = await Client.GetInstanceAsync(referral.ReferralId, getInputsAndOutputs: false);
        Assert.Equal(OrchestrationRuntimeStatus.Running, status!.RuntimeStatus);
        Assert.Null(status.FailureDetails);
    }

    /// <summary>
    /// The journey orchestration as an older build might have had it: the same contract (a JourneyRun in, one step, then
    /// ContinueAsNew; messages as the "message" event), a different step: committed without the step's emails.
    /// </summary>
    private sealed class OlderBuildJourney : TaskOrchestrator<JourneyRun, string?>
    {
        public override async Task<string?> RunAsync(TaskOrchestrationContext context, JourneyRun run)
        {
            var message = run.Inbox.FirstOrDefault() ?? await context.WaitForExternalEvent<JourneyMessage>(Names.Message);
            var now = new DateTimeOffset(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));
            var plan = JourneyStep.Plan(run, message, now);
            await context.CallActivityAsync<CommitResult>(Names.CommitJourney,
                new JourneyCommit(run.JourneyId, run.State, plan.After, plan.Decisions, plan.Reply, now) { SendEmails = false });
            context.ContinueAsNew(run with { State = plan.After, Inbox = [], Handled = [message.RequestId] }, preserveUnprocessedEvents: true);
            return null;
        }
    }
}
