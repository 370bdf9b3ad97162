using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Dashboard;

/// <summary>The operations console as a new user meets it, in Debian's Chromium against the app on Kestrel.</summary>
public sealed class DashboardTests : ConsoleBrowser
{
    [Fact]
    public async Task An_operator_opens_a_journey_and_reads_its_timeline_emails_and_history_in_plain_words()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        await App.AdvanceAsync("P5D"); // the UCPR1 chase fires at 09:00 on Fri 6 March

        var page = await SignInAsync(SesApp.OperatorKey);
        var row = page.Locator($"#journeys tbody tr[data-id='{id}']");
        await row.WaitForAsync();
        Assert.Contains("Missed a deadline", await row.InnerTextAsync());
        Assert.Contains("virtual clock", await page.InnerTextAsync("#clock"));
        await ScreenshotAsync(page, "home");
        await AssertAccessibleAsync(page, "the caseload");
        await row.FocusAsync();
        await page.Keyboard.PressAsync("Enter"); // rows open from the keyboard

        await page.Locator("#history tbody tr").First.WaitForAsync();
        Assert.Equal($"Journey {id}", await page.InnerTextAsync("#journey-title"));
        Assert.Equal("journey-title", await page.EvaluateAsync<string>("document.activeElement.id"));
        var deadlines = await page.InnerTextAsync("#deadlines");
        Assert.Contains("UCPR1 chase", deadlines);
        Assert.Contains("Missed", deadlines);
        Assert.Contains("Fri 06/03/2026", deadlines); // dd/mm/yyyy: the page is British English
        Assert.Contains("UCPR1 chase", await page.InnerTextAsync("#notifications"));
        var history = await page.InnerTextAsync("#history");
        Assert.Contains("UCPR1 chase: fell due", history);
        Assert.Contains("Fri 06/03/2026, 09:00", history); // London time (GMT in March)
        Assert.DoesNotContain("timer-fired", history);
        Assert.DoesNotContain("deadline-missed:", history);
        Assert.Equal(1, await page.Locator("#timeline svg .marker[data-state='missed']").CountAsync());
        Assert.Equal(1, await page.Locator("#timeline svg line.today").CountAsync());
        Assert.True(await page.Locator("#terminate-form").IsVisibleAsync()); // operators may terminate
        await ScreenshotAsync(page, "journey");
        await AssertAccessibleAsync(page, "the journey page");
    }

    [Fact]
    public async Task Another_providers_key_does_not_list_the_journey_and_a_wrong_key_is_told_so()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));

        var other = await SignInAsync(SesApp.ProviderBKey);
        await other.Locator("#list-status").Filter(new() { HasTextRegex = new Regex("journey\\(s\\)") }).WaitForAsync();
        Assert.Equal(0, await other.Locator($"#journeys tbody tr[data-id='{id}']").CountAsync());

        var wrong = await SignInAsync("not-a-key");
        await wrong.Locator("#status").Filter(new() { HasText = "401" }).WaitForAsync();
        await AssertAccessibleAsync(wrong, "the sign-in page");
    }

    [Fact]
    public async Task Switching_the_key_clears_what_the_previous_key_saw()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id, mappa: true));

        var page = await SignInAsync(SesApp.OfficerKey);
        await page.Locator($"#journeys tbody tr[data-id='{id}']").ClickAsync();
        await page.Locator("#participant").Filter(new() { HasText = "Quernsby" }).WaitForAsync(); // nominated officers see the name

        await SignInAsync(SesApp.OperatorKey, page);
        await page.Locator("#list-status").Filter(new() { HasTextRegex = new Regex("journey\\(s\\)") }).WaitForAsync();
        Assert.DoesNotContain("Quernsby", await page.ContentAsync());
        await page.Locator($"#journeys tbody tr[data-id='{id}']").ClickAsync();
        await page.Locator("#participant").Filter(new() { HasText = "nominated officers only" }).WaitForAsync();
        Assert.DoesNotContain("Quernsby", await page.ContentAsync());
        Assert.DoesNotContain("JG103759A", await page.ContentAsync());

        await SignInAsync(SesApp.ProviderBKey, page);
        await page.Locator("#list-status").Filter(new() { HasTextRegex = new Regex("journey\\(s\\)") }).WaitForAsync();
        Assert.True(await page.Locator("#view-journey").IsHiddenAsync());
        Assert.Equal("", await page.InnerTextAsync("#journey-title"));
        Assert.DoesNotContain(id, await page.InnerTextAsync("body"));
    }

    [Fact]
    public async Task Each_role_sees_only_the_actions_it_may_take()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));

        var provider = await SignInAsync(SesApp.ProviderAKey);
        Assert.Contains("Signed in as Provider for prov-a", await provider.InnerTextAsync("#who"));
        Assert.DoesNotContain("Statistics", await provider.InnerTextAsync("#nav"));
        await provider.Locator($"#journeys tbody tr[data-id='{id}']").ClickAsync();
        await provider.Locator("#event-form").WaitForAsync();
        Assert.Equal(0, await provider.Locator("#terminate-form").CountAsync());
        Assert.True(await provider.Locator("#documents-section").IsVisibleAsync());

        var officer = await SignInAsync(SesApp.OfficerKey);
        await officer.Locator($"#journeys tbody tr[data-id='{id}']").ClickAsync();
        await officer.Locator("#history tbody tr").First.WaitForAsync();
        Assert.Equal(0, await officer.Locator("#event-form").CountAsync());
        Assert.Equal(0, await officer.Locator("#terminate-form").CountAsync());
        Assert.DoesNotContain("Statistics", await officer.InnerTextAsync("#nav"));

        var operatorPage = await SignInAsync(SesApp.OperatorKey);
        Assert.Contains("Statistics", await operatorPage.InnerTextAsync("#nav"));
        Assert.Contains("Delivery problems", await operatorPage.InnerTextAsync("#nav"));
        await operatorPage.ClickAsync("#nav a[data-view='delivery']");
        await operatorPage.Locator("#delivery-status").Filter(new() { HasText = "failed" }).WaitForAsync();
        await AssertAccessibleAsync(operatorPage, "delivery problems");
        await operatorPage.ClickAsync("#nav a[data-view='week']");
        await operatorPage.Locator("#week-days section.day").First.WaitForAsync();
        await AssertAccessibleAsync(operatorPage, "due this week");
    }
}
