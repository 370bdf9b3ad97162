using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ses.Integration.Tests.Faults;

/// <summary>
/// Faults as they happen (issue 7): several real app processes on one Azurite, one killed with SIGKILL; SendGrid down for
/// longer than any in-process retry, then hanging past the send timeout. Counts what was lost and what was done twice.
/// Each test has an Azurite of its own, fresh: what it measures (timers fired within a bound while two or three hosts
/// share one storage account) must not depend on what the rest of the run left in the shared one, where Azurite finds a
/// queue's messages by scanning every message it holds (two fresh-clone runs on the shared Azurite: one passed, one
/// timed out in these tests' seeding and chases).
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ProcessFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset AfterChase = new(2026, 3, 6, 9, 30, 0, TimeSpan.Zero);
    private FakeSendGrid _sendGrid = null!;
    private Process _azurite = null!;
    private string _storage = null!;

    public async Task InitializeAsync()
    {
        (_azurite, _storage) = Azurite.StartOwn();
        _sendGrid = await FakeSendGrid.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _sendGrid.DisposeAsync();
        // In memory: the test's tables, queues and blobs go with it (each test's hosts are gone by then).
        _azurite.Kill(true);
        await _azurite.WaitForExitAsync();
        _azurite.Dispose();
    }

    private static string NewPrefix() => SesApp.NewPrefix();

    /// <summary>
    /// Hosts as in production, on one task hub, with times shortened for a test: email retries 1-5 s apart (production:
    /// 2 s up to 30 min; much shorter makes each host's retries alone fill Azurite, since every retry is an orchestration
    /// step: a durable timer, then the send), a control-queue message held by a host that loses its partition (a
    /// host joining, or killed) visible again after 20 s, and an activity a killed host was running after 45 s (both 5
    /// minutes by default; 45 s is more than an activity takes here, its email attempts bounded by the 10-s send timeout).
    /// </summary>
    /// <param name="maxRetryDelay">
    /// Email retries' longest backoff (production: 30 minutes). Every retry is an orchestration step (ADR 010): 150 emails
    /// retried every 1-5 s ask two hosts on one Azurite for more steps than they make, and starve the timers.
    /// </param>
    private Dictionary<string, string?> HostSettings(string maxRetryDelay = "00:00:05") => new()
    {
        ["Clock:Mode"] = "Virtual", ["Clock:Start"] = AfterChase.ToString("O"),
        ["Outbox:SendTimeout"] = "00:00:10", ["Outbox:RetryBaseDelay"] = "00:00:01", ["Outbox:MaxRetryDelay"] = maxRetryDelay,
        ["Storage:RequestTimeout"] = "00:00:10", ["DurableTask:ControlQueueVisibilityTimeout"] = "00:00:20",
        ["DurableTask:WorkItemQueueVisibilityTimeout"] = "00:00:45",
        ["SendGrid:ApiKey"] = "SG.process-test", ["SendGrid:Host"] = _sendGrid.BaseUrl,
        ["Auth:ApiKeys:0:Key"] = SesApp.ReferralKey, ["Auth:ApiKeys:0:Role"] = "referral-system",
        ["Auth:ApiKeys:1:Key"] = SesApp.OperatorKey, ["Auth:ApiKeys:1:Role"] = "operator",
        ["Auth:ApiKeys:2:Key"] = SesApp.ProviderAKey, ["Auth:ApiKeys:2:Role"] = "provider", ["Auth:ApiKeys:2:Provider"] = "prov-a",
        ["Providers:prov-a:Name"] = "Provider A", ["Providers:prov-a:Email"] = "staff@prov-a.example",
    };

    private static async Task<string[]> SeedAsync(AppProcess host, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Referrals.NewId()).ToArray();
        using var intake = host.Client(SesApp.ReferralKey);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
        {
            // A journey that has not answered within the handler's bound (a host taking over partitions) is a 202 to poll.
            var (response, polls) = await Referrals.FollowAsync(intake, await intake.PostAsJsonAsync("/api/referrals", Referrals.Body(id)));
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK,
                $"{id}: POST /api/referrals answered {(int)response.StatusCode} after {polls} polls: {await response.Content.ReadAsStringAsync()}");
        });
        return ids;
    }

    /// <summary>A virtual clock move through one host: it wakes every journey due and answers when they have fired.</summary>
    private static async Task<HttpResponseMessage> MoveClockAsync(AppProcess host, string by)
    {
        using var ops = host.Client(SesApp.OperatorKey);
        ops.Timeout = TimeSpan.FromMinutes(5);
        return await ops.PostAsJsonAsync("/api/admin/clock", new { advanceBy = by });
    }

    private JourneyStore Store(string prefix) => StoreOutsideTheApp.For(prefix, _storage);

    /// <summary>
    /// Per journey, from storage: chase timer firings and the email's status; from SendGrid: acceptances per email, the
    /// duplicates operators were not told of and the most sends of one email.
    /// </summary>
    private async Task<Counts> CountAsync(string prefix, IReadOnlyList<string> ids)
    {
        var store = Store(prefix);
        int lost = 0, firedTwice = 0, duplicated = 0, notSent = 0, unflagged = 0, most = 0;
        foreach (var id in ids)
        {
            var firings = await store.HistoryAsync(id).CountAsync(h => h.Event is TimerFired { Kind: DeadlineKind.Ucpr1Chase });
            if (firings > 1) firedTwice++;
            var chase = (await store.NotificationsAsync(id)).SingleOrDefault(n => n.Template == "ucpr1-chase");
            if (firings == 0 || chase is null)
            {
                lost++;
                var journey = (await store.GetAsync(id))?.Journey;
                output.WriteLine($"not fired: {id} firings {firings} version {journey?.Version} chase {journey?.Deadlines.FirstOrDefault(d => d.Kind == DeadlineKind.Ucpr1Chase)}");
                continue;
            }
            if (chase.Status != NotificationStatus.Sent) notSent++;
            var accepted = _sendGrid.For(chase.NotificationId).Count;
            if (accepted == 0)
            {
                lost++;
                output.WriteLine($"not delivered: {chase.NotificationId} {chase.Status} attempts {chase.Attempts} next {chase.NextAttemptAt:O} " +
                    $"owner {chase.Owner} lease {chase.LeaseUntil:O} error {chase.LastError}");
            }
            if (accepted > 1) duplicated += accepted - 1;
            if (accepted > 1 && !chase.PossiblySentTwice) unflagged++;
            most = Math.Max(most, accepted);
        }
        return new Counts(lost, firedTwice, duplicated, notSent, unflagged, most);
    }

    private sealed record Counts(int Lost, int FiredTwice, int Duplicated, int NotSent, int Unflagged, int MostSends);

    private static async Task WaitForAsync(Func<Task<bool>> done, TimeSpan limit, Func<string> whatIsMissing)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            if (clock.Elapsed > limit) Assert.Fail($"Not done within {limit}: {whatIsMissing()}");
            await Task.Delay(200);
        }
    }

    private static Task WaitForAsync(Func<bool> done, TimeSpan limit, Func<string> whatIsMissing) =>
        WaitForAsync(() => Task.FromResult(done()), limit, whatIsMissing);

    private int Distinct => _sendGrid.Accepted.Select(a => a.NotificationId).Distinct().Count();

    [Fact]
    public async Task Three_hosts_dispatching_together_one_killed_with_SIGKILL_lose_nothing()
    {
        const int journeys = 600;
        var prefix = NewPrefix();
        _sendGrid.Latency = TimeSpan.FromMilliseconds(20);
        var hosts = new List<AppProcess>();
        try
        {
            for (var i = 0; i < 3; i++) hosts.Add(await AppProcess.StartAsync(_storage, prefix, HostSettings()));
            var ids = await SeedAsync(hosts[0], journeys);
            // Every chase is due already: one clock move wakes all 600, whose orchestrations run on the three hosts (each
            // owns some of the hub's partitions); one host is killed in the middle of it.
            var move = MoveClockAsync(hosts[0], "PT1M");
            await WaitForAsync(() => _sendGrid.Accepted.Count >= 100, TimeSpan.FromSeconds(90), () => $"{_sendGrid.Accepted.Count} sent");
            var inFlightAtKill = _sendGrid.InProgress;
            hosts[1].Kill();
            var sentAtKill = _sendGrid.Accepted.Count;
            Assert.True((await move).IsSuccessStatusCode);

            await WaitForAsync(() => Distinct >= journeys, TimeSpan.FromSeconds(120), () => $"{Distinct} of {journeys} emails; {CountAsync(prefix, ids).Result}, now {DateTimeOffset.UtcNow:O}");
            var store = Store(prefix);
            await WaitForAsync(async () => (await CountAsync(prefix, ids)).NotSent == 0, TimeSpan.FromSeconds(30), () => "marks");
            var (lost, firedTwice, duplicated, notSent, unflagged, most) = await CountAsync(prefix, ids);
            output.WriteLine($"{journeys} chases, 3 hosts, one SIGKILLed after {sentAtKill} emails ({inFlightAtKill} requests in flight): " +
                $"lost {lost}, fired twice {firedTwice}, emails duplicated {duplicated} ({unflagged} not flagged), not marked sent {notSent}");
            Assert.Equal(0, lost);
            Assert.Equal(0, firedTwice);
            // The one window left (ADR 010): an email SendGrid accepted whose "sent" mark the killed host never wrote is sent
            // once more by the host that takes it over, and operators see it marked possibly sent twice; never a third time.
            Assert.Equal(0, unflagged);
            Assert.InRange(most, 1, 2);
            Assert.True(hosts[1].Exited);
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_host_moving_the_clock_killed_with_SIGKILL_mid_move_a_new_host_fires_and_emails_every_chase_once()
    {
        const int journeys = 500;
        var prefix = NewPrefix();
        _sendGrid.Latency = TimeSpan.FromMilliseconds(20);
        var first = await AppProcess.StartAsync(_storage, prefix, HostSettings());
        AppProcess? next = null;
        try
        {
            var ids = await SeedAsync(first, journeys);
            // Every chase is due: the move wakes all 500 through the one host, which is killed while they fire.
            var move = MoveClockAsync(first, "PT1M");
            await WaitForAsync(() => _sendGrid.Accepted.Count >= 50, TimeSpan.FromSeconds(90), () => $"{_sendGrid.Accepted.Count} sent");
            var inFlightAtKill = _sendGrid.InProgress;
            first.Kill();
            var sentAtKill = _sendGrid.Accepted.Count;
            var answered = await move.ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
            // A new process on the same hub, and no one moves the clock again: the hub's messages and the unfinished move
            // are its to finish.
            next = await AppProcess.StartAsync(_storage, prefix, HostSettings());

            await WaitForAsync(() => Distinct >= journeys, TimeSpan.FromSeconds(150), () => $"{Distinct} of {journeys} emails; {CountAsync(prefix, ids).Result}, now {DateTimeOffset.UtcNow:O}");
            await WaitForAsync(async () => (await CountAsync(prefix, ids)).NotSent == 0, TimeSpan.FromSeconds(30), () => "marks");
            var (lost, firedTwice, duplicated, notSent, unflagged, most) = await CountAsync(prefix, ids);
            var resumed = next.Output.Contains("Finished a clock move left unfinished", StringComparison.Ordinal);
            output.WriteLine($"{journeys} chases, the moving host SIGKILLed after {sentAtKill} emails ({inFlightAtKill} requests in flight; move answered: {answered}; " +
                $"the new host finished the move: {resumed}): " +
                $"lost {lost}, fired twice {firedTwice}, emails duplicated {duplicated} ({unflagged} not flagged), not marked sent {notSent}");
            Assert.False(answered);
            Assert.Equal(0, lost);
            Assert.Equal(0, firedTwice);
            Assert.Equal(0, unflagged);
            Assert.InRange(most, 1, 2);
        }
        finally
        {
            await first.DisposeAsync();
            if (next is not null) await next.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_hosts_on_one_hub_during_a_clock_move_with_sixteen_clients_recording_events_lose_nothing_and_do_nothing_twice()
    {
        const int journeys = 200;
        var prefix = NewPrefix();
        await using var one = await AppProcess.StartAsync(_storage, prefix, HostSettings());
        await using var two = await AppProcess.StartAsync(_storage, prefix, HostSettings());
        var ids = await SeedAsync(one, journeys);
        using var staffOne = one.Client(SesApp.ProviderAKey);
        using var staffTwo = two.Client(SesApp.ProviderAKey);

        // The move fires every chase through host one while 16 clients record two events on every journey, one through
        // each host, each sent twice (a client's retry): the hosts' steps, the wake-ups and the events meet in each journey.
        var move = MoveClockAsync(one, "PT1M");
        var refused = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sends = ids.SelectMany(id => new[]
        {
            (Client: staffOne, Id: id, Body: (object)new { type = "prap-acknowledged", eventId = $"ack-{id}", occurredOn = "2026-03-02" }),
            (Client: staffTwo, Id: id, Body: (object)new { type = "initial-assessment-booked", eventId = $"ib-{id}", occurredOn = "2026-03-02", appointmentOn = "2026-03-09" }),
        }).SelectMany(s => new[] { s, s }).ToArray();
        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (send, _) =>
        {
            var (response, _) = await Referrals.FollowAsync(send.Client, await send.Client.PostAsJsonAsync($"/api/journeys/{send.Id}/events", send.Body));
            if (response.StatusCode != HttpStatusCode.OK) refused.Enqueue($"{send.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        });
        Assert.True((await move).IsSuccessStatusCode);
        Assert.Empty(refused);

        var store = Store(prefix);
        int lostEvents = 0, eventsTwice = 0, chasesLost = 0, chasesTwice = 0;
        foreach (var id in ids)
        {
            var history = await store.HistoryAsync(id).ToListAsync();
            foreach (var eventId in new[] { $"ack-{id}", $"ib-{id}" })
            {
                var applied = history.Count(h => h.Event is EventReported r && r.EventId == eventId);
                if (applied == 0) lostEvents++;
                if (applied > 1) eventsTwice++;
            }
            var fired = history.Count(h => h.Event is TimerFired { Kind: DeadlineKind.Ucpr1Chase });
            if (fired == 0) chasesLost++;
            if (fired > 1) chasesTwice++;
        }
        output.WriteLine($"{journeys} journeys, 2 hosts, {sends.Length} event requests during the move: events lost {lostEvents}, applied twice {eventsTwice}; chases lost {chasesLost}, fired twice {chasesTwice}");
        Assert.Equal(0, lostEvents);
        Assert.Equal(0, eventsTwice);
        Assert.Equal(0, chasesLost);
        Assert.Equal(0, chasesTwice);
    }

    [Fact]
    public async Task SendGrid_down_past_the_old_retries_then_hanging_then_back_delivers_every_email_once_and_fires_every_timer_meanwhile()
    {
        const int journeys = 150;
        var prefix = NewPrefix();
        _sendGrid.FailAll(429, retryAfterSeconds: 2);
        // Backoff doubling to 15 s: the outage still outlasts several retries of every email (as in production, where it
        // doubles to 30 minutes), without asking more steps of the hub than it makes.
        await using var one = await AppProcess.StartAsync(_storage, prefix, HostSettings(maxRetryDelay: "00:00:15"));
        await using var two = await AppProcess.StartAsync(_storage, prefix, HostSettings(maxRetryDelay: "00:00:15"));
        var outage = Stopwatch.StartNew();
        var ids = await SeedAsync(one, journeys);
        var move = MoveClockAsync(one, "PT1M"); // every chase is due: the move wakes them all

        // Every deadline fires while SendGrid refuses everything: timers never wait on emails.
        var store = Store(prefix);
        var missed = 0;
        async Task<int> MissedAsync()
        {
            missed = 0;
            foreach (var id in ids)
            {
                if ((await store.GetAsync(id))!.Journey.Deadlines.Single(d => d.Kind == DeadlineKind.Ucpr1Chase).State == DeadlineState.Missed) missed++;
            }
            return missed;
        }
        await WaitForAsync(async () => await MissedAsync() == journeys, TimeSpan.FromSeconds(60),
            () => $"chases: {missed} of {journeys} fired, {_sendGrid.Refused} sends refused meanwhile");
        var allFiredAfter = outage.Elapsed;
        Assert.True((await move).IsSuccessStatusCode);

        // Then more of the outage: 429 with Retry-After, 500s, then a SendGrid so slow that each answer takes 3 s (within the
        // send timeout: an answer that comes late is still an answer, and nothing is sent twice).
        var phase = Stopwatch.StartNew();
        await WaitForAsync(() => phase.Elapsed > TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(30), () => "");
        _sendGrid.FailAll(500);
        await WaitForAsync(() => phase.Elapsed > TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(30), () => "");
        var refused = _sendGrid.Refused;
        var down = outage.Elapsed;
        Assert.Empty(_sendGrid.Accepted);
        _sendGrid.Latency = TimeSpan.FromSeconds(3);
        _sendGrid.Recover();

        await WaitForAsync(() => Distinct >= journeys, TimeSpan.FromSeconds(90), () => $"{Distinct} of {journeys} emails; {CountAsync(prefix, ids).Result}, now {DateTimeOffset.UtcNow:O}");
        await WaitForAsync(async () => (await CountAsync(prefix, ids)).NotSent == 0, TimeSpan.FromSeconds(30), () => "marks");
        var (lost, firedTwice, duplicated, notSent, _, _) = await CountAsync(prefix, ids);
        output.WriteLine($"{journeys} chases, 2 hosts, SendGrid down {down.TotalSeconds:F0} s ({refused} requests refused or hung): " +
            $"every timer fired {allFiredAfter.TotalSeconds:F1} s after the outage began; lost {lost}, fired twice {firedTwice}, duplicated {duplicated}, not marked sent {notSent}");
        Assert.Equal(0, lost);
        Assert.Equal(0, firedTwice);
        Assert.Equal(0, duplicated);
        Assert.Equal(0, notSent);
    }
}

/// <summary>
/// Two or three app processes and an Azurite of their own take both cores of a CI machine: these run on their own, never
/// beside another test class, so neither makes the other's requests time out.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "process-faults";
}
