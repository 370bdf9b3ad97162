using System.Net;
using System.Text.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Console;

/// <summary>The filters of GET /api/journeys that the caseload tiles open (ADR 009): each alone, combined, paged, refused.</summary>
public sealed class CaseloadFilterTests : IAsyncLifetime
{
    private readonly SesApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The journeys a query lists, every page of it, as a sorted set.</summary>
    private async Task<string[]> ListAsync(string key, string query) => Sorted(await CaseloadTests.ListAsync(_app, key, query));

    private static string[] Sorted(params string[] ids) => ids.Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Each_filter_lists_what_it_names_and_combines_with_provider_phase_search_and_paging()
    {
        var intake = _app.Client(SesApp.ReferralKey);
        var (a, b, c, d) = (Referrals.NewId(), Referrals.NewId(universalCredit: false), Referrals.NewId(), Referrals.NewId());
        await Referrals.CreateAsync(intake, Referrals.Body(a));
        await Referrals.CreateAsync(intake, Referrals.Body(b, benefit: "ESA"));
        await Referrals.CreateAsync(intake, Referrals.Body(c, provider: "prov-b"));
        await _app.AdvanceAsync("P1D"); // Tue 3 March
        await Referrals.CreateAsync(intake, Referrals.Body(d, referralDate: "2026-03-03")); // its chase is on Mon 9 March
        await Referrals.EventAsync(_app.Client(SesApp.ProviderAKey), b, new { type = "initial-assessment-held", occurredOn = "2026-03-02", recommendation = "main" });
        const string Ops = SesApp.OperatorKey;

        // Due in a date range: the UCPR1 chases of a and c on Fri 6 March.
        Assert.Equal(Sorted(a, c), await ListAsync(Ops, "dueFrom=2026-03-06&dueBefore=2026-03-07"));
        Assert.Equal(Sorted(a, c, d), await ListAsync(Ops, "dueFrom=2026-03-06&dueBefore=2026-03-10"));
        Assert.Equal(Sorted(d), await ListAsync(Ops, "dueFrom=2026-03-07&dueBefore=2026-03-10"));
        Assert.Equal(Sorted(b, d), await ListAsync(Ops, "dueFrom=2026-03-07")); // b's next deadline is its start, on 30 March
        Assert.Equal(Sorted(a, c), await ListAsync(Ops, "dueBefore=2026-03-07")); // SPEC 5's dueBefore, unchanged
        Assert.Equal(Sorted(a), await ListAsync(Ops, "dueFrom=2026-03-06&dueBefore=2026-03-07&provider=prov-a"));
        // A provider key sees its own journeys whatever provider it names.
        Assert.Equal(Sorted(c), await ListAsync(SesApp.ProviderBKey, "dueFrom=2026-03-06&dueBefore=2026-03-07&provider=prov-a"));

        // One or several phases, repeated or comma-separated.
        Assert.Equal(Sorted(b), await ListAsync(Ops, "phase=assessed"));
        Assert.Equal(Sorted(a, b, c, d), await ListAsync(Ops, "phase=referred,assessed"));
        Assert.Equal(Sorted(a, b, d), await ListAsync(SesApp.ProviderAKey, "phase=referred&phase=assessed"));
        Assert.Empty(await ListAsync(Ops, "phase=on-provision,in-work"));

        // Search by referral ID prefix, alone and with the others.
        Assert.Equal(Sorted(a), await ListAsync(Ops, $"referralIdPrefix={a}"));
        Assert.Equal(Sorted(a, d), await ListAsync(Ops, "referralIdPrefix=2&provider=prov-a&phase=referred"));
        Assert.Equal(Sorted(b), await ListAsync(Ops, "referralIdPrefix=1&phase=referred,assessed"));
        Assert.Empty(await ListAsync(Ops, $"referralIdPrefix={a}&phase=assessed"));

        // Paging with continuation tokens, a page at a time, in the index's order (next due, then journey ID): the chases
        // of a and c on 6 March, d's on 9 March, b's start by 30 March.
        var walked = await CaseloadTests.ListAsync(_app, Ops, "phase=referred,assessed", pageSize: 1);
        Assert.Equal(Sorted(a, c).Append(d).Append(b), walked);

        // The "Overdue" tile: a missed deadline (the chases fired at 09:00 on Fri 6 March).
        await _app.AdvanceAsync("P3DT2H");
        Assert.Equal(Sorted(a, c), await ListAsync(Ops, "missedDeadline=true"));
        Assert.Equal(Sorted(a), await ListAsync(Ops, "missedDeadline=true&provider=prov-a&phase=referred"));
        Assert.Equal(Sorted(a), await ListAsync(SesApp.ProviderAKey, "missedDeadline=true"));
        Assert.Empty(await ListAsync(Ops, "missedDeadline=true&phase=assessed"));
        Assert.Equal(Sorted(a, b, c, d), await ListAsync(Ops, "missedDeadline=false&phase=referred,assessed"));
    }

    [Theory]
    [InlineData("phase=nope", "phase", "one or several")]
    [InlineData("phase=referred,nope", "phase", "one or several")]
    [InlineData("dueFrom=06/03/2026", "dueFrom", "a date such as 2026-03-02")]
    [InlineData("dueFrom=2026-02-30", "dueFrom", "a date such as 2026-03-02")]
    [InlineData("dueBefore=2101-01-01", "dueBefore", "a date such as 2026-03-02")]
    [InlineData("outcomeMonth=2026-13", "outcomeMonth", "a month such as 2026-03")]
    [InlineData("outcomeMonth=2026-03-01", "outcomeMonth", "a month such as 2026-03")]
    [InlineData("referralIdPrefix=2%27%20or%20true", "referralIdPrefix", "letters, digits")]
    [InlineData("referralIdPrefix=", "referralIdPrefix", "letters, digits")]
    [InlineData("missedDeadline=maybe", "missedDeadline", "true or false")]
    [InlineData("overdue=yes", "overdue", "true or false")]
    [InlineData("pageSize=abc", "pageSize", "a whole number")]
    [InlineData("pageSize=0", "pageSize", "a whole number from 1 to 200")]
    public async Task A_bad_filter_is_a_problem_naming_its_parameter_in_words(string query, string field, string words)
    {
        var response = await _app.Client(SesApp.OperatorKey).GetAsync("/api/journeys?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var message = JsonDocument.Parse(text).RootElement.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.True(message.Contains(words, StringComparison.Ordinal), text);
        TypeNames.AssertNone(text);
    }

    [Fact]
    public async Task The_API_document_lists_every_filter_of_the_journey_list()
    {
        var document = await Referrals.GetAsync(_app.Client(SesApp.OperatorKey), "/openapi/v1.json");
        var parameters = document.GetProperty("paths").GetProperty("/api/journeys").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        foreach (var name in new[] { "phase", "provider", "overdue", "missedDeadline", "dueFrom", "dueBefore", "outcomeMonth", "referralIdPrefix", "pageSize", "continuationToken" })
        {
            Assert.Contains(name, parameters);
        }
    }

    [Fact] // 13.71: outcomes of restricted (MAPPA) records are counted and listed only for nominated officers
    public async Task Outcomes_of_a_month_are_counted_and_listed_with_restricted_records_only_for_those_who_may_see_them()
    {
        var (open, mappa) = (Referrals.NewId(), Referrals.NewId());
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(open));
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(mappa, mappa: true));
        var staff = _app.Client(SesApp.ProviderAKey);
        foreach (var id in new[] { open, mappa })
        {
            await Referrals.EventAsync(staff, id, new { type = "ucpr1-received", occurredOn = "2026-03-02" });
            await Referrals.EventAsync(staff, id, new { type = "initial-assessment-held", occurredOn = "2026-03-02", recommendation = "main" });
            await Referrals.EventAsync(staff, id, new { type = "strand-referral-accepted", occurredOn = "2026-03-02", strandReferralId = "2" + id[1..] });
            await Referrals.EventAsync(staff, id, new { type = "started", startOn = "2026-03-02" });
        }
        await _app.AdvanceAsync("P9W"); // Mon 4 May
        foreach (var id in new[] { open, mappa })
        {
            await Referrals.EventAsync(staff, id, new { type = "left-early", leftOn = "2026-05-04" });
        }
        await _app.AdvanceAsync("P1W");
        foreach (var id in new[] { open, mappa })
        {
            await Referrals.EventAsync(staff, id, new { type = "job-started", startOn = "2026-05-11", hoursPerWeek = 20 });
        }
        await _app.AdvanceAsync("P14W"); // Mon 17 August: both short outcomes achieved on 10 August (6.02)

        foreach (var (key, expected) in new[] { (SesApp.OperatorKey, Sorted(open)), (SesApp.ProviderAKey, Sorted(open)), (SesApp.OfficerKey, Sorted(open, mappa)) })
        {
            var summary = await Referrals.GetAsync(_app.Client(key), "/api/caseload/summary");
            var tile = summary.GetProperty("tiles").EnumerateArray().Single(t => t.GetProperty("key").GetString() == "outcomes-this-month");
            Assert.Equal("outcomeMonth=2026-08", tile.GetProperty("query").GetString());
            Assert.Equal(expected.Length, tile.GetProperty("count").GetInt32());
            Assert.Equal(expected, await ListAsync(key, "outcomeMonth=2026-08"));
            Assert.Equal(expected, await ListAsync(key, "outcomeMonth=2026-08&phase=in-work&referralIdPrefix=2"));
            Assert.Empty(await ListAsync(key, "outcomeMonth=2026-07"));
            Assert.Empty(await ListAsync(key, "outcomeMonth=2026-08&phase=tracking"));
        }
        // Without a month, a restricted record is listed to everyone who sees its provider (referral ID, phase and deadlines only).
        Assert.Equal(Sorted(open, mappa), await ListAsync(SesApp.OperatorKey, "phase=in-work"));
    }
}

/// <summary>What an answer of the API must never contain: a .NET type or namespace name.</summary>
public static class TypeNames
{
    private static readonly string[] Forbidden =
        ["Ses.", "System.", "DateOnly", "DateTimeOffset", "Int32", "Int64", "Decimal", "Boolean", "String", "Nullable", "bool?", "int?", "could not be converted", "JsonElement", "Microsoft."];

    public static void AssertNone(string answer)
    {
        foreach (var name in Forbidden) Assert.False(answer.Contains(name, StringComparison.Ordinal), $"'{name}' in {answer}");
    }
}
