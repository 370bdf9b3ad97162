using System.Net;
using System.Text.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Console;

/// <summary>GET /api/caseload/summary and the statistics CSV per table, behind the console.</summary>
public sealed class CaseloadTests : IAsyncLifetime
{
    private readonly SesApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static JsonElement Tile(JsonElement summary, string key) =>
        summary.GetProperty("tiles").EnumerateArray().Single(t => t.GetProperty("key").GetString() == key);

    /// <summary>The journeys a tile opens: every page of its query (the summary itself lists no IDs, ADR 009).</summary>
    private async Task<string[]> IdsAsync(string key, JsonElement summary, JsonElement tile)
    {
        Assert.False(tile.TryGetProperty("journeyIds", out _));
        var ids = await ListAsync(_app, key, tile.GetProperty("query").GetString()!);
        Assert.Equal(tile.GetProperty("count").GetInt32(), ids.Length);
        return ids.Order(StringComparer.Ordinal).ToArray();
    }

    public static async Task<string[]> ListAsync(SesApp app, string key, string query, int pageSize = 2)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await Referrals.GetAsync(app.Client(key),
                $"/api/journeys?{query}&pageSize={pageSize}" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("journeyId").GetString()!));
            token = page.GetProperty("continuationToken").GetString();
        } while (token is not null);
        return ids.ToArray();
    }

    [Fact]
    public async Task The_summary_counts_each_callers_own_caseload_by_deadline_and_phase()
    {
        var (mine, theirs, later) = (Referrals.NewId(), Referrals.NewId(), Referrals.NewId());
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(mine));
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(theirs, provider: "prov-b"));
        await _app.AdvanceAsync("P4D"); // Fri 6 March 08:00: both chases are due today
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(later, referralDate: "2026-03-06"));

        var ops = await Referrals.GetAsync(_app.Client(SesApp.OperatorKey), "/api/caseload/summary");
        Assert.Equal("operator", ops.GetProperty("role").GetString());
        Assert.Equal("2026-03-06", ops.GetProperty("today").GetString());
        Assert.Equal("2026-03-08", ops.GetProperty("weekEnds").GetString());
        Assert.Equal(new[] { mine, theirs }.Order(StringComparer.Ordinal), await IdsAsync(SesApp.OperatorKey, ops, Tile(ops, "due-today")));
        Assert.Equal(2, Tile(ops, "due-today").GetProperty("count").GetInt32());
        Assert.Equal(3, Tile(ops, "awaiting-start").GetProperty("count").GetInt32());
        Assert.Equal(3, (await IdsAsync(SesApp.OperatorKey, ops, Tile(ops, "awaiting-start"))).Length);
        Assert.Empty(await IdsAsync(SesApp.OperatorKey, ops, Tile(ops, "overdue")));
        Assert.DoesNotContain(later, await IdsAsync(SesApp.OperatorKey, ops, Tile(ops, "due-this-week"))); // its chase is on Thu 12 March
        // "Due this week" as counts per day, Friday to Sunday, adding up to its tile.
        var week = ops.GetProperty("week").EnumerateArray().ToArray();
        Assert.Equal(["2026-03-06", "2026-03-07", "2026-03-08"], week.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([2, 0, 0], week.Select(d => d.GetProperty("count").GetInt32()));
        Assert.Equal(2, (await ListAsync(_app, SesApp.OperatorKey, week[0].GetProperty("query").GetString()!)).Length);

        var provider = await Referrals.GetAsync(_app.Client(SesApp.ProviderAKey), "/api/caseload/summary");
        Assert.Equal("prov-a", provider.GetProperty("provider").GetString());
        Assert.Equal(new[] { mine }, await IdsAsync(SesApp.ProviderAKey, provider, Tile(provider, "due-today")));
        Assert.Equal(2, Tile(provider, "awaiting-start").GetProperty("count").GetInt32());

        await _app.AdvanceAsync("PT2H"); // 10:00: the chases fired at 09:00 and were missed
        var after = await Referrals.GetAsync(_app.Client(SesApp.ProviderAKey), "/api/caseload/summary");
        Assert.Equal(new[] { mine }, await IdsAsync(SesApp.ProviderAKey, after, Tile(after, "overdue")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client("nope").GetAsync("/api/caseload/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.Client(SesApp.ReferralKey).GetAsync("/api/caseload/summary")).StatusCode);
    }

    [Fact] // Caller.CanSee: a provider key configured without its provider sees no journey in the counts
    public async Task A_provider_key_without_a_provider_counts_no_journeys()
    {
        await using var app = new SesApp(settings: new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:5:Key"] = "test-provider-none", ["Auth:ApiKeys:5:Role"] = "provider",
        });
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var ops = await Referrals.GetAsync(app.Client(SesApp.OperatorKey), "/api/caseload/summary");
        Assert.Equal(1, Tile(ops, "awaiting-start").GetProperty("count").GetInt32());
        var none = await Referrals.GetAsync(app.Client("test-provider-none"), "/api/caseload/summary");
        Assert.All(none.GetProperty("tiles").EnumerateArray(), t => Assert.Equal(0, t.GetProperty("count").GetInt32()));
        // Nor in the list, whatever provider it asks for.
        Assert.Empty(await ListAsync(app, "test-provider-none", "provider=prov-a"));
        Assert.Empty(await ListAsync(app, "test-provider-none", "phase=referred"));
    }

    [Fact] // ADR 009: one scan serves every request of a scope for Caseload:CountsMaxAge; the list itself is live
    public async Task Counts_are_reused_for_their_maximum_age_and_a_new_day_counts_again()
    {
        await using var app = new SesApp(settings: new Dictionary<string, string?> { ["Caseload:CountsMaxAge"] = "01:00:00" });
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(Referrals.NewId()));
        var first = await Referrals.GetAsync(app.Client(SesApp.OperatorKey), "/api/caseload/summary");
        Assert.Equal(1, Tile(first, "awaiting-start").GetProperty("count").GetInt32());
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(Referrals.NewId()));
        var again = await Referrals.GetAsync(app.Client(SesApp.OperatorKey), "/api/caseload/summary");
        Assert.Equal(1, Tile(again, "awaiting-start").GetProperty("count").GetInt32());
        Assert.Equal(first.GetProperty("countedAt").GetDateTimeOffset(), again.GetProperty("countedAt").GetDateTimeOffset());
        Assert.Equal(2, (await ListAsync(app, SesApp.OperatorKey, "phase=referred")).Length);
        // Another scope is counted on its own: the provider's first request scans.
        var provider = await Referrals.GetAsync(app.Client(SesApp.ProviderAKey), "/api/caseload/summary");
        Assert.Equal(2, Tile(provider, "awaiting-start").GetProperty("count").GetInt32());
        await app.AdvanceAsync("P1D");
        var tomorrow = await Referrals.GetAsync(app.Client(SesApp.OperatorKey), "/api/caseload/summary");
        Assert.Equal(2, Tile(tomorrow, "awaiting-start").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task One_statistics_table_downloads_as_CSV_with_readable_headings()
    {
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(Referrals.NewId()));
        var ops = _app.Client(SesApp.OperatorKey);
        var response = await ops.GetAsync("/api/reports/statistics?asOf=2026-04-30&format=csv&table=monthly");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment; filename=\"ses-statistics-2026-04-30-monthly.csv\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("Month,Referrals,Starts\r\n2026-03,1,0\r\n2026-04,0,0\r\n", await response.Content.ReadAsStringAsync());
        var whole = await (await ops.GetAsync("/api/reports/statistics?asOf=2026-04-30&format=csv")).Content.ReadAsStringAsync();
        Assert.StartsWith("As of,Rounding,Referrals,Starts,Start rate (% of referrals)\r\n2026-04-30,none,1,0,0", whole);
        Assert.DoesNotContain(",a,b,c", whole);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.GetAsync("/api/reports/statistics?format=csv&table=nope")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.GetAsync("/api/reports/statistics?table=monthly")).StatusCode);
    }
}
