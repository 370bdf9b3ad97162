using Azure.Data.Tables;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// A clock move left unfinished (its host killed after it saved the new time, before every journey due was woken: what
/// the process-fault test kills a host into, here set up exactly) is finished by the next host to start, with no one
/// moving the clock again (ADR 010).
/// </summary>
public sealed class ClockResumeTests
{
    private static readonly DateTimeOffset AfterChase = new(2026, 3, 6, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_move_left_unfinished_is_finished_by_the_next_host_to_start_and_marked_finished()
    {
        var prefix = SesApp.NewPrefix();
        string[] ids = [Referrals.NewId(), Referrals.NewId(), Referrals.NewId()];
        try
        {
            await using (var first = new SesApp(AfterChase, prefix: prefix))
            {
                // Referred on Monday 2 March: each UCPR1 chase was due at 09:00 on Friday 6 March, before the clock's time.
                foreach (var id in ids) await Referrals.CreateAsync(first.Client(SesApp.ReferralKey), Referrals.Body(id));
                // What a host killed mid-move leaves: the new time saved, the move not marked finished, no journey woken.
                await first.Service<StorageClients>().Clock.UpsertEntityAsync(
                    new TableEntity("clock", "now") { ["Now"] = AfterChase.AddMinutes(1), ["Moving"] = true }, TableUpdateMode.Replace);
            }

            await using (var next = new SesApp(AfterChase, prefix: prefix))
            {
                var ops = next.Client(SesApp.OperatorKey);
                foreach (var id in ids) await ChaseMissedAsync(next, ops, id);
                // Marked finished once every journey due has answered: the host after this one has nothing to finish.
                var clock = next.Service<StorageClients>().Clock;
                var row = (await clock.GetEntityAsync<TableEntity>("clock", "now")).Value;
                for (var tries = 0; row.GetBoolean("Moving") != false && tries < 150; tries++)
                {
                    await Task.Delay(200);
                    row = (await clock.GetEntityAsync<TableEntity>("clock", "now")).Value;
                }
                Assert.False(row.GetBoolean("Moving"));
                Assert.Equal(AfterChase.AddMinutes(1), row.GetDateTimeOffset("Now"));
            }
        }
        finally
        {
            await TestStorage.DeleteAllAsync(prefix);
        }
    }

    /// <summary>
    /// Waits (bounded) until the journey's UCPR1 chase is missed: fired by a wake-up, as no one moved the clock. The bound
    /// leaves room for the hub taking the partitions the first host had (its messages hidden for the 15-s visibility
    /// timeout of the tests) on an Azurite that a whole run keeps busy.
    /// </summary>
    private static async Task ChaseMissedAsync(SesApp app, HttpClient ops, string id)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var journey = await Referrals.GetAsync(ops, $"/api/journeys/{id}");
            if (journey.GetProperty("deadlines").EnumerateArray().Any(d => d.GetProperty("kind").GetString() == "ucpr1-chase" && d.GetProperty("state").GetString() == "missed")) return;
            try
            {
                await Task.Delay(200, bound.Token);
            }
            catch (OperationCanceledException)
            {
                var clockLines = app.Logs.Where(l => l.Contains("clock move", StringComparison.OrdinalIgnoreCase) || l.StartsWith("Warn", StringComparison.Ordinal)).Take(20);
                Assert.Fail($"{id}: the chase did not fire within 120 s of the next host's start: {journey.GetProperty("deadlines")}\n{string.Join("\n", clockLines)}");
            }
        }
    }
}
