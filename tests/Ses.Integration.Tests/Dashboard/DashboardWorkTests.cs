using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Dashboard;

/// <summary>The console's work: tiles and their lists, sorting and search, recording an event, and the statistics page.</summary>
public sealed class DashboardWorkTests : ConsoleBrowser
{
    private static readonly Regex Listed = new("journey\\(s\\)");

    [Fact]
    public async Task Every_tile_opens_a_list_of_exactly_its_count_and_the_list_sorts_and_searches()
    {
        var ids = new[] { Referrals.NewId(), Referrals.NewId(), Referrals.NewId() };
        foreach (var id in ids) await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(Referrals.NewId(), provider: "prov-b"));
        await App.AdvanceAsync("P5D"); // Sat 7 March: all chases missed
        var staff = App.Client(SesApp.ProviderAKey);
        await StartAsync(staff, ids[1], "2026-03-07");

        var overdue = new Dictionary<string, int>();
        foreach (var key in new[] { SesApp.OperatorKey, SesApp.ProviderAKey })
        {
            var page = await SignInAsync(key);
            await page.Locator("#list-status").Filter(new() { HasTextRegex = Listed }).WaitForAsync();
            var tiles = page.Locator("#tiles a");
            var count = await tiles.CountAsync();
            Assert.Equal(8, count);
            for (var i = 0; i < count; i++)
            {
                var tile = page.Locator("#tiles a").Nth(i);
                var expected = int.Parse(await tile.Locator(".tile-count").InnerTextAsync(), CultureInfo.InvariantCulture);
                var label = await tile.Locator(".tile-label").InnerTextAsync();
                await tile.ClickAsync();
                await page.Locator("#list-title").Filter(new() { HasText = label }).WaitForAsync();
                await page.Locator("#list-status").Filter(new() { HasText = $"{expected} journey(s)" }).WaitForAsync();
                Assert.Equal(expected, await page.Locator("#journeys tbody tr").CountAsync());
            }
            overdue[key] = int.Parse(await page.InnerTextAsync("#tiles a[data-tile='overdue'] .tile-count"), CultureInfo.InvariantCulture);
        }
        Assert.Equal(overdue[SesApp.ProviderAKey] + 1, overdue[SesApp.OperatorKey]); // prov-b's missed chase is not prov-a's
        Assert.True(overdue[SesApp.ProviderAKey] >= 2);

        var ops = await SignInAsync(SesApp.OperatorKey);
        await ops.Locator("#list-status").Filter(new() { HasTextRegex = Listed }).WaitForAsync();
        await ops.ClickAsync("button[data-sort='referralId']");
        var ascending = await ops.Locator("#journeys tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(ascending.Order(StringComparer.Ordinal), ascending);
        Assert.Equal("ascending", await ops.GetAttributeAsync("th:has(button[data-sort='referralId'])", "aria-sort"));
        await ops.ClickAsync("button[data-sort='referralId']");
        var descending = await ops.Locator("#journeys tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(ascending.Reverse(), descending);
        await ops.ClickAsync("button[data-sort='phase']");
        var phases = await ops.Locator("#journeys tbody tr td:nth-child(3)").AllInnerTextsAsync();
        Assert.Equal(phases.Order(StringComparer.Ordinal), phases);

        await ops.FillAsync("#search", ids[2]);
        await ops.Locator("#list-status").Filter(new() { HasText = "1 journey(s)" }).WaitForAsync();
        Assert.Equal(ids[2], await ops.Locator("#journeys tbody tr").GetAttributeAsync("data-id"));
        await ops.FillAsync("#search", "");
        await ops.Locator("#list-status").Filter(new() { HasText = "4 journey(s)" }).WaitForAsync(); // the search asks the server again
        await ops.SelectOptionAsync("#phase", "on-provision");
        await ops.ClickAsync("#filters button[type=submit]");
        await ops.Locator("#list-status").Filter(new() { HasText = "1 journey(s)" }).WaitForAsync();
        Assert.Equal(ids[1], await ops.Locator("#journeys tbody tr").GetAttributeAsync("data-id"));
        await ScreenshotAsync(ops, "list");
        await AssertAccessibleAsync(ops, "a filtered list");
    }

    [Fact] // issue 18: the browser holds one page of journeys; paging, search, tiles and days are the server's filters
    public async Task The_list_shows_one_page_at_a_time_pages_forward_and_back_and_searches_on_the_server()
    {
        var ids = Enumerable.Range(0, 12).Select(_ => Referrals.NewId()).ToArray();
        foreach (var id in ids) await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        var page = await SignInAsync(SesApp.OperatorKey);
        Assert.Equal("en-GB", await page.GetAttributeAsync("html", "lang"));
        await page.Locator("#list-status").Filter(new() { HasTextRegex = Listed }).WaitForAsync();
        await page.SelectOptionAsync("#page-size", "10");
        await page.Locator("#list-status").Filter(new() { HasText = "Page 1: 10 journey(s); more on the next page" }).WaitForAsync();
        var rows = page.Locator("#journeys tbody tr");
        async Task<string[]> ShownAsync() => (await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)")).Order(StringComparer.Ordinal).ToArray();
        var first = await ShownAsync();
        Assert.Equal(10, first.Length);
        await page.ClickAsync("button[data-sort='referralId']");
        await page.ClickAsync("button[data-sort='referralId']"); // descending: still the same page of 10
        var descending = await page.Locator("#journeys tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(first.Reverse(), descending);

        await page.ClickAsync("#next-page");
        await page.Locator("#list-status").Filter(new() { HasText = "Page 2: 2 journey(s)." }).WaitForAsync();
        var second = await ShownAsync();
        Assert.Empty(first.Intersect(second));
        Assert.Equal(ids.Order(StringComparer.Ordinal), first.Concat(second).Order(StringComparer.Ordinal));
        Assert.True(await page.IsDisabledAsync("#next-page"));
        await AssertAccessibleAsync(page, "the second page of the list");
        await page.ClickAsync("#previous-page");
        await page.Locator("#list-status").Filter(new() { HasText = "Page 1: 10 journey(s)" }).WaitForAsync();
        Assert.Equal(first, await ShownAsync());
        Assert.True(await page.IsDisabledAsync("#previous-page"));

        // The search asks the server: a journey of page 2 is found from page 1.
        await page.FillAsync("#search", second[1]);
        await page.Locator("#list-status").Filter(new() { HasText = "Page 1: 1 journey(s)" }).WaitForAsync();
        Assert.Equal([second[1]], await ShownAsync());
        await page.FillAsync("#search", "");
        await page.Locator("#list-status").Filter(new() { HasText = "Page 1: 10 journey(s)" }).WaitForAsync();

        // Dates are typed as dd/mm/yyyy; another spelling is refused with the hint, before anything is asked.
        await page.FillAsync("#due-from", "2026-03-06");
        await page.ClickAsync("#filters button[type=submit]");
        await page.Locator("#filter-error").Filter(new() { HasText = "dd/mm/yyyy" }).WaitForAsync();
        await page.FillAsync("#due-from", "6/3/2026");
        await page.FillAsync("#due-before", "07/03/2026");
        await page.ClickAsync("#filters button[type=submit]");
        await page.Locator("#list-status").Filter(new() { HasText = "Page 1: 10 journey(s); more on the next page" }).WaitForAsync();
        Assert.Equal("", await page.InnerTextAsync("#filter-error"));
        await page.FillAsync("#due-from", "09/03/2026");
        await page.ClickAsync("#filters button[type=submit]");
        await page.Locator("#list-status").Filter(new() { HasText = "Page 1: 0 journey(s)" }).WaitForAsync();
        await page.FillAsync("#due-from", "");
        await page.FillAsync("#due-before", "");

        // A tile opens its own filter a page at a time; so does a day of the week.
        await page.ClickAsync("#tiles a[data-tile='due-this-week']");
        await page.Locator("#list-title").Filter(new() { HasText = "Due this week" }).WaitForAsync();
        await page.Locator("#list-status").Filter(new() { HasText = "Page 1: 10 journey(s); more on the next page" }).WaitForAsync();
        await page.ClickAsync("#next-page");
        await page.Locator("#list-status").Filter(new() { HasText = "Page 2: 2 journey(s)." }).WaitForAsync();
        await page.ClickAsync("#nav a[data-view='week']");
        var friday = page.Locator("#week-days section.day[data-date='2026-03-06']");
        Assert.Contains("12 due", await friday.InnerTextAsync());
        await friday.Locator("a").ClickAsync();
        await page.Locator("#list-title").Filter(new() { HasText = "Due on Fri 06/03/2026" }).WaitForAsync();
        await page.Locator("#list-status").Filter(new() { HasText = "Page 1: 10 journey(s)" }).WaitForAsync();
        await AssertAccessibleAsync(page, "a day's list");
    }

    [Fact]
    public async Task Staff_record_an_event_through_the_form_and_see_validation_errors_and_what_is_allowed()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        var page = await SignInAsync(SesApp.ProviderAKey);
        await page.Locator($"#journeys tbody tr[data-id='{id}']").ClickAsync();
        await page.Locator("#event-form").WaitForAsync();

        // A value the API refuses: its message shows beside the field, not as an alert box.
        await page.SelectOptionAsync("#event-type", "isp-agreed");
        await page.FillAsync("#ev-occurredOn", "02/03/2026");
        await page.FillAsync("#ev-reviewIntervalWeeks", "1.5");
        await page.ClickAsync("#event-form button[type=submit]");
        await page.Locator("#ev-reviewIntervalWeeks-error:not(:empty)").WaitForAsync();
        Assert.Equal("true", await page.GetAttributeAsync("#ev-reviewIntervalWeeks", "aria-invalid"));
        Assert.Equal("", (await page.InnerTextAsync("#event-errors")).Trim());
        await ScreenshotAsync(page, "event-validation");
        await AssertAccessibleAsync(page, "the event form with an error");

        // Not allowed now: the 409 lists what is, and the form offers only those.
        await page.SelectOptionAsync("#event-type", "job-ended");
        await page.FillAsync("#ev-endedOn", "02/03/2026");
        await page.ClickAsync("#event-form button[type=submit]");
        await page.Locator("#event-errors").Filter(new() { HasText = "Allowed now" }).WaitForAsync();
        var offered = await page.Locator("#event-type option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        Assert.DoesNotContain("job-ended", offered);
        Assert.Contains("ucpr1-received", offered);

        await page.SelectOptionAsync("#event-type", "ucpr1-received");
        await page.FillAsync("#ev-occurredOn", "02/03/2026");
        await page.ClickAsync("#event-form button[type=submit]");
        await page.Locator("#journey-status").Filter(new() { HasText = "UCPR1 received recorded" }).WaitForAsync();
        await page.Locator("#history").Filter(new() { HasText = "UCPR1 received recorded (occurred on Mon 02/03/2026)" }).WaitForAsync();
        var journey = await Referrals.GetAsync(App.Client(SesApp.OperatorKey), $"/api/journeys/{id}");
        Assert.Equal("met", Referrals.Deadline(journey, "ucpr1-chase").GetProperty("state").GetString());
    }

    [Fact] // 13.31: the SPoC call after a not-suitable assessment, completed from the journey page, with who did it
    public async Task Staff_complete_a_task_and_the_history_says_who_did_what()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        await Referrals.EventAsync(App.Client(SesApp.ProviderAKey), id,
            new { type = "initial-assessment-held", occurredOn = "2026-03-02", recommendation = "not-suitable", reason = "Not suitable" });
        var page = await SignInAsync(SesApp.ProviderAKey);
        await page.Locator($"#journeys tbody tr[data-id='{id}']").ClickAsync();
        var task = page.Locator("#tasks tbody tr").Filter(new() { HasText = "Telephone" });
        await task.Locator("button.complete").ClickAsync();

        await page.Locator("#journey-status").Filter(new() { HasText = "Task completed." }).WaitForAsync();
        await page.Locator("#tasks tbody tr").Filter(new() { HasText = "Done" }).WaitForAsync();
        Assert.Equal(0, await page.Locator("#tasks button.complete").CountAsync());
        await page.Locator("#history").Filter(new() { HasText = "prov-a-staff (Provider)" }).WaitForAsync();
        var journey = await Referrals.GetAsync(App.Client(SesApp.OperatorKey), $"/api/journeys/{id}");
        Assert.True(journey.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == "telephone-spoc").GetProperty("completed").GetBoolean());
        await AssertAccessibleAsync(page, "the journey page with a completed task");
    }

    [Fact]
    public async Task Every_number_on_the_statistics_page_is_the_reports_and_each_table_downloads_as_CSV()
    {
        var staff = App.Client(SesApp.ProviderAKey);
        for (var i = 0; i < 4; i++)
        {
            var id = Referrals.NewId(universalCredit: i % 2 == 0);
            await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id, provider: i == 3 ? "prov-b" : "prov-a", benefit: i % 2 == 0 ? "UC" : "ESA"));
            if (i < 3) await StartAsync(staff, id, "2026-03-02");
        }
        var page = await SignInAsync(SesApp.OperatorKey);
        await page.ClickAsync("#nav a[data-view='statistics']");
        await page.FillAsync("#as-of", "31/12/2027");
        foreach (var rounding in new[] { "publication", "none" })
        {
            await page.SetCheckedAsync("#rounding", rounding == "publication");
            await page.ClickAsync("#stats-form button[type=submit]");
            await page.Locator("#stats-status").Filter(new() { HasText = "As of 31/12/2027" }).WaitForAsync();
            await page.Locator("#table-monthly tbody tr").First.WaitForAsync();
            var report = await Referrals.GetAsync(App.Client(SesApp.OperatorKey), $"/api/reports/statistics?asOf=2027-12-31&rounding={rounding}");
            var cells = await page.Locator("[data-json]").EvaluateAllAsync<string[][]>("cells => cells.map(c => [c.dataset.json, c.textContent])");
            Assert.Equal(NumbersIn(report), cells.Length);
            foreach (var cell in cells) Assert.Equal(Expected(report, cell[0]), cell[1]);
            Assert.True(cells.Length > 40, $"only {cells.Length} numbers shown");
        }
        Assert.Equal(6, await page.Locator("#stats-tables canvas").CountAsync());
        await ScreenshotAsync(page, "statistics");
        await AssertAccessibleAsync(page, "the statistics page");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("button.download[data-table='monthly']"));
        Assert.Equal("ses-statistics-2027-12-31-monthly.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("Month,Referrals,Starts\r\n2026-03,", csv);
    }

    private static async Task StartAsync(HttpClient staff, string id, string on)
    {
        await Referrals.EventAsync(staff, id, new { type = "ucpr1-received", occurredOn = "2026-03-02" });
        await Referrals.EventAsync(staff, id, new { type = "initial-assessment-held", occurredOn = "2026-03-02", recommendation = "main" });
        await Referrals.EventAsync(staff, id, new { type = "strand-referral-accepted", occurredOn = "2026-03-02", strandReferralId = "2" + id[1..] });
        await Referrals.EventAsync(staff, id, new { type = "started", startOn = on });
    }

    /// <summary>How many numbers the report's tables hold (every one must be on the page).</summary>
    private static int NumbersIn(JsonElement report)
    {
        int Rows(string name, int numbers) => report.GetProperty(name).GetArrayLength() * numbers;
        return 3 + Rows("monthly", 2) + Rows("timeToOutcome", 2) + (Rows("cohorts", 5) + 5) + Rows("byBenefit", 5)
            + Rows("byEmploymentHistory", 5) + Rows("providers", 7);
    }

    private static string Expected(JsonElement report, string path)
    {
        var value = report;
        foreach (var part in path.Split('.')) value = int.TryParse(part, out var i) ? value[i] : value.GetProperty(part);
        if (value.ValueKind == JsonValueKind.Null) return "–";
        var name = path.Split('.').Last();
        var isRate = name.EndsWith("Rate", StringComparison.Ordinal) || name.EndsWith("Share", StringComparison.Ordinal) || name.EndsWith("Performance", StringComparison.Ordinal);
        var number = value.GetDecimal();
        return isRate ? number.ToString("#,##0.#", CultureInfo.GetCultureInfo("en-GB")) + "%" : number.ToString("#,##0.##", CultureInfo.GetCultureInfo("en-GB"));
    }
}
