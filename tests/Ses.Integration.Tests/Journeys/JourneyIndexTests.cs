using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Http.Hosting;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// Issue 9: the list, the caseload summary and the statistics read one listing row per journey from the Index table, at
/// a cost that does not grow with other providers' journeys, never the journeys table; listings hold nothing personal,
/// and an operator's rebuild gives back a listing that went missing.
/// </summary>
public sealed class JourneyIndexTests : IAsyncLifetime
{
    private readonly SesApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private StorageClients Storage => _app.Service<StorageClients>();

    [Fact]
    public async Task A_page_of_the_list_costs_one_query_whether_other_providers_have_20_or_1200_journeys()
    {
        var mine = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            mine.Add(Referrals.NewId());
            await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(mine[^1], provider: "prov-b"));
        }
        var template = (await _app.Service<JourneyStore>().GetAsync(mine[0]))!.Journey;
        var staff = _app.Client(SesApp.ProviderBKey);
        var ops = _app.Client(SesApp.OperatorKey);
        var expected = mine.Order(StringComparer.Ordinal).Take(3).ToArray();

        await AddListingsAsync(template, "prov-a", 0, 20);
        var few = await PageAsync(staff, "/api/journeys?pageSize=3");
        var fewOps = await PageAsync(ops, "/api/journeys?pageSize=3&provider=prov-b&phase=referred");
        await AddListingsAsync(template, "prov-a", 20, 1180); // more than one query page (1,000) of other listings
        var many = await PageAsync(staff, "/api/journeys?pageSize=3");
        var manyOps = await PageAsync(ops, "/api/journeys?pageSize=3&provider=prov-b&phase=referred");

        foreach (var page in new[] { few, fewOps, many, manyOps })
        {
            Assert.Equal(1, page.RoundTrips);
            Assert.Equal(expected, page.Ids);
            Assert.NotNull(page.Token);
        }
        var rest = await Referrals.GetAsync(staff, "/api/journeys?pageSize=3&continuationToken=" + Uri.EscapeDataString(many.Token!));
        Assert.Equal(mine.Order(StringComparer.Ordinal).Skip(3), rest.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("journeyId").GetString()));

        // The operator's whole list: next due first, then journey ID (the same chase date for all: the referrals' IDs,
        // all digits, before the copies' x-numbers).
        var all = await Referrals.GetAsync(ops, "/api/journeys?pageSize=200");
        var ids = all.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("journeyId").GetString()).ToArray();
        Assert.Equal(mine.Order(StringComparer.Ordinal).Concat(Enumerable.Range(0, 195).Select(i => $"x{i:D5}")), ids);
    }

    [Fact]
    public async Task Statistics_and_the_caseload_read_listings_only_one_query_page_per_1000_journeys()
    {
        var ids = new[] { Referrals.NewId(), Referrals.NewId() };
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(ids[0]));
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(ids[1], provider: "prov-b"));
        var sro = Referrals.Body("intro-1", channel: "sro", benefit: "ESA");
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), sro); // 13.44: not a referral until confirmed
        var template = (await _app.Service<JourneyStore>().GetAsync(ids[0]))!.Journey;
        var ops = _app.Client(SesApp.OperatorKey);
        // A 201 read from the reply row (past the first poll, on a loaded machine) can come a moment before the step's
        // listing write: the counts below are of this test's requests only.
        Assert.True(await ListedAsync(ops, 3, TimeSpan.FromSeconds(30)));
        const string Statistics = "/api/reports/statistics?asOf=2026-03-31";

        var before = await GetCountedAsync(ops, Statistics);
        Assert.Equal(1, before.RoundTrips);
        Assert.Equal(2, before.Body.GetProperty("lifetime").GetProperty("referrals").GetInt32());
        var caseload = await GetCountedAsync(_app.Client(SesApp.ProviderAKey), "/api/caseload/summary");
        Assert.Equal(1, caseload.RoundTrips);

        await Storage.Journeys.DeleteAsync(); // nothing of the journeys table is read from here on
        var without = await GetCountedAsync(ops, Statistics);
        Assert.Equal(before.Body.GetRawText(), without.Body.GetRawText());
        var csv = await ops.GetAsync(Statistics + "&format=csv&table=monthly");
        Assert.Equal("Month,Referrals,Starts\r\n2026-03,2,0\r\n", await csv.Content.ReadAsStringAsync());
        var tiles = (await GetCountedAsync(ops, "/api/caseload/summary")).Body.GetProperty("tiles");
        var awaiting = tiles.EnumerateArray().Single(t => t.GetProperty("key").GetString() == "awaiting-start");
        Assert.Equal(3, awaiting.GetProperty("count").GetInt32());

        await AddListingsAsync(template, "prov-a", 0, 1000);
        var more = await GetCountedAsync(ops, Statistics);
        Assert.Equal(2, more.RoundTrips);
        Assert.Equal(1002, more.Body.GetProperty("lifetime").GetProperty("referrals").GetInt32());
    }

    [Fact]
    public async Task A_listing_row_holds_no_personal_data()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var ops = _app.Client(SesApp.OperatorKey);
        (await ops.PostAsJsonAsync($"/api/journeys/{id}/terminate", new { reason = "Adaline Quernsby moved away" })).EnsureSuccessStatusCode();

        var rows = new List<TableEntity>();
        await foreach (var row in Storage.Index.QueryAsync<TableEntity>()) rows.Add(row);
        var listing = Assert.Single(rows, r => r.RowKey.StartsWith("l|", StringComparison.Ordinal));
        Assert.Equal($"l|prov-a|{id}", listing.RowKey);
        // Closed: nothing due, so last in both next-due scopes.
        Assert.Equal([$"d|*|~|{id}", $"d|prov-a|~|{id}"], rows.Where(r => r.RowKey.StartsWith("d|", StringComparison.Ordinal)).Select(r => r.RowKey));
        Assert.Equal("closed", listing.GetString("Phase"));
        var personal = new[]
        {
            "JG103759A", "JG 10 37 59 A", "Adaline", "Quernsby", "07700", "Harrowgate", "ls1 4ab", "CN-1", "Jo SPoC", "Sam Coach",
            "spoc@jcp.example", "coach@jcp.example", "moved away",
        };
        foreach (var row in rows)
        {
            foreach (var (column, value) in row)
            {
                var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                Assert.DoesNotContain(personal, p => text.Contains(p, StringComparison.OrdinalIgnoreCase) || column.Contains(p, StringComparison.OrdinalIgnoreCase));
            }
        }
        string[] columns =
        [
            "JourneyId", "ReferralId", "Provider", "Channel", "UniversalCredit", "Restricted", "Phase", "Closure", "NextDeadline",
            "NextDue", "Overdue", "HasMissedDeadline", "ReferralDate", "StartOn", "Benefit", "MonthsEmployedInPrior24", "ShortState",
            "ShortOn", "SustainedState", "SustainedOn", "IsReferral", "Version", "UpdatedAt",
        ];
        Assert.Subset(columns.Concat(["PartitionKey", "RowKey", "Timestamp", "odata.etag"]).ToHashSet(), listing.Keys.ToHashSet());
    }

    [Fact]
    public async Task A_rebuild_restores_a_missing_listing_and_never_puts_an_older_journey_over_a_newer_listing()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var ops = _app.Client(SesApp.OperatorKey);
        var key = IndexKeys.Listing("prov-a", id);
        foreach (var rowKey in (await DueRowsAsync(id)).Append(key)) await Storage.Index.DeleteEntityAsync(IndexKeys.Partition, rowKey);
        Assert.DoesNotContain(id, (await Referrals.GetAsync(ops, "/api/journeys")).GetRawText());

        Assert.Equal(HttpStatusCode.Forbidden, (await _app.Client(SesApp.ProviderAKey).PostAsync("/api/admin/index/rebuild", null)).StatusCode);
        Assert.Equal((1, 1), await RebuildAsync(ops));
        var listed = (await Referrals.GetAsync(ops, "/api/journeys")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal((id, "referred", 1), (listed.GetProperty("journeyId").GetString(), listed.GetProperty("phase").GetString(), listed.GetProperty("version").GetInt32()));
        Assert.Equal((1, 0), await RebuildAsync(ops)); // up to date: not written again

        var row = (await Storage.Index.GetEntityAsync<TableEntity>(IndexKeys.Partition, key)).Value;
        row["Version"] = 99;
        row["Phase"] = "closed";
        await Storage.Index.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        Assert.Equal((1, 0), await RebuildAsync(ops));
        var newer = (await Storage.Index.GetEntityAsync<TableEntity>(IndexKeys.Partition, key)).Value;
        Assert.Equal((99, "closed"), (newer.GetInt32("Version"), newer.GetString("Phase")));

        row["Version"] = 0;
        await Storage.Index.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        Assert.Equal((1, 1), await RebuildAsync(ops)); // older than the journey: replaced
        var restored = (await Storage.Index.GetEntityAsync<TableEntity>(IndexKeys.Partition, key)).Value;
        Assert.Equal((1, "referred"), (restored.GetInt32("Version"), restored.GetString("Phase")));

        // Its next-due rows: one missing and a stale one under another date (as a lost move would leave) are put right.
        var due = await DueRowsAsync(id);
        Assert.Equal([$"d|*|2026-03-06|{id}", $"d|prov-a|2026-03-06|{id}"], due);
        await Storage.Index.DeleteEntityAsync(IndexKeys.Partition, due[1]);
        var stale = (await Storage.Index.GetEntityAsync<TableEntity>(IndexKeys.Partition, due[0])).Value;
        stale.RowKey = $"d|*|2026-03-02|{id}";
        await Storage.Index.AddEntityAsync(stale);
        Assert.Equal(2, (await Referrals.GetAsync(ops, "/api/journeys")).GetProperty("items").GetArrayLength()); // listed twice
        Assert.Equal((1, 1), await RebuildAsync(ops));
        Assert.Equal(due, await DueRowsAsync(id));
        Assert.Equal(id, (await Referrals.GetAsync(_app.Client(SesApp.ProviderAKey), "/api/journeys")).GetProperty("items").EnumerateArray().Single().GetProperty("journeyId").GetString());
        Assert.Equal((1, 0), await RebuildAsync(ops));
    }

    /// <summary>
    /// ADR 009: the list is next due first in every scope, a journey moves in it when its next due moves (listed once,
    /// never also at its old place), nothing due comes last, and a purge leaves none of its rows.
    /// </summary>
    [Fact]
    public async Task The_list_is_next_due_first_and_a_journey_moves_in_it_when_its_next_due_moves()
    {
        var intake = _app.Client(SesApp.ReferralKey);
        var (late, early, other, closed) = (Referrals.NewId(), Referrals.NewId(), Referrals.NewId(), Referrals.NewId());
        await Referrals.CreateAsync(intake, Referrals.Body(late));                                    // chase Fri 6 March
        await Referrals.CreateAsync(intake, Referrals.Body(closed));                                  // chase Fri 6 March
        await Referrals.CreateAsync(intake, Referrals.Body(other, provider: "prov-b"));               // chase Fri 6 March
        await _app.AdvanceAsync("P1D");
        await Referrals.CreateAsync(intake, Referrals.Body(early, referralDate: "2026-03-03"));       // chase Mon 9 March
        var ops = _app.Client(SesApp.OperatorKey);
        var staff = _app.Client(SesApp.ProviderAKey);
        Task<string[]> ListAsync(string key, int pageSize = 200) => Console.CaseloadTests.ListAsync(_app, key, "", pageSize);
        const string Ops = SesApp.OperatorKey, Staff = SesApp.ProviderAKey;

        // IDs in the order made: late, early, other, closed.
        Assert.Equal([late, other, closed, early], await ListAsync(Ops));
        Assert.Equal([late, other, closed, early], await ListAsync(Ops, pageSize: 1)); // the same order a page at a time
        Assert.Equal([late, closed, early], await ListAsync(Staff));

        // late's UCPR1 comes in: its next deadline is now later than early's chase; closed has nothing due.
        await Referrals.EventAsync(staff, late, new { type = "ucpr1-received", occurredOn = "2026-03-03" });
        (await ops.PostAsJsonAsync($"/api/journeys/{closed}/terminate", new { reason = "test" })).EnsureSuccessStatusCode();
        Assert.Equal([other, early, late, closed], await ListAsync(Ops));
        Assert.Equal([early, late, closed], await ListAsync(Staff));
        Assert.Equal([$"d|*|~|{closed}", $"d|prov-a|~|{closed}"], await DueRowsAsync(closed));
        Assert.Equal(2, (await DueRowsAsync(late)).Length);

        (await ops.DeleteAsync($"/api/journeys/{closed}")).EnsureSuccessStatusCode();
        Assert.Empty(await DueRowsAsync(closed));
        Assert.Equal([other, early, late], await ListAsync(Ops));
    }

    /// <summary>
    /// An activity run again after a crash: the commit that moved a journey's next-due rows, run twice, leaves exactly the
    /// rows it names (the second run finds the old rows gone and writes the rest again) and the list shows it once.
    /// </summary>
    [Fact]
    public async Task A_commit_that_moves_the_next_due_rows_run_twice_leaves_them_moved_once()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var before = (await _app.Service<JourneyStore>().GetAsync(id))!.Journey;
        var at = new DateTimeOffset(2026, 3, 3, 10, 0, 0, TimeSpan.Zero);
        var run = new Ses.Journeys.JourneyRun(id, new Ses.Journeys.JourneyPolicy(10, new TimeOnly(9, 0), VirtualClock: false)) { State = before };
        var message = new Ses.Journeys.EventMessage(new Ucpr1Received(new DateOnly(2026, 3, 3)), null) { JourneyId = id, RequestId = "rerun", Now = at };
        var plan = Ses.Journeys.JourneyStep.Plan(run, message, at);
        Assert.NotEqual(before.NextDeadline?.Due, plan.After!.NextDeadline?.Due);
        var commit = new Ses.Journeys.JourneyCommit(id, before, plan.After, plan.Decisions, plan.Reply, at);
        var steps = _app.Service<Ses.Journeys.StepStore>();

        await steps.CommitAsync(commit);
        await steps.CommitAsync(commit);

        var due = plan.After.NextDeadline!.Due.ToString("yyyy-MM-dd");
        Assert.Equal([$"d|*|{due}|{id}", $"d|prov-a|{due}|{id}"], await DueRowsAsync(id));
        var listed = (await Referrals.GetAsync(_app.Client(SesApp.OperatorKey), "/api/journeys")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal((id, due), (Assert.Single(listed).GetProperty("journeyId").GetString(), listed[0].GetProperty("nextDue").GetString()));
    }

    private static async Task<bool> ListedAsync(HttpClient client, int count, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while ((await Referrals.GetAsync(client, "/api/journeys?pageSize=200")).GetProperty("items").GetArrayLength() < count)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    private async Task<string[]> DueRowsAsync(string journeyId)
    {
        var keys = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexKeys.Partition} and RowKey ge {"d|"} and RowKey lt {"d}"} and JourneyId eq {journeyId}");
        await foreach (var row in Storage.Index.QueryAsync<TableEntity>(filter, select: ["RowKey"])) keys.Add(row.RowKey);
        return keys.ToArray();
    }

    /// <summary>Listings of synthetic journeys (copies of <paramref name="template"/> under other IDs), 100 to a transaction.</summary>
    private async Task AddListingsAsync(Journey template, string provider, int from, int count)
    {
        var rows = Enumerable.Range(from, count).SelectMany(i => JourneyIndex.ListingRows(
            template with { JourneyId = $"x{i:D5}", ReferralId = $"x{i:D5}", Referral = template.Referral with { Provider = provider } },
            DateTimeOffset.UtcNow));
        foreach (var batch in rows.Chunk(100))
        {
            await Storage.Index.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
        }
    }

    private async Task<(long RoundTrips, string[] Ids, string? Token)> PageAsync(HttpClient client, string path)
    {
        var (trips, body) = await GetCountedAsync(client, path);
        var ids = body.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("journeyId").GetString()!).ToArray();
        return (trips, ids, body.GetProperty("continuationToken").GetString());
    }

    private async Task<(long RoundTrips, JsonElement Body)> GetCountedAsync(HttpClient client, string path)
    {
        var before = Storage.RoundTrips.Count;
        var body = await Referrals.GetAsync(client, path);
        return (Storage.RoundTrips.Count - before, body);
    }

    private static async Task<(int Journeys, int Written)> RebuildAsync(HttpClient ops)
    {
        var response = await ops.PostAsync("/api/admin/index/rebuild", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("journeys").GetInt32(), body.GetProperty("written").GetInt32());
    }
}
