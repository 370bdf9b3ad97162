using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Dashboard;

/// <summary>
/// The operator dashboard in a real browser: Debian's Chromium driven by Playwright against the app on Kestrel
/// (127.0.0.1). <c>scripts/test.sh</c> installs Chromium; <c>SES_CHROMIUM</c> overrides its path.
/// </summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private readonly SesApp _app = new();
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _baseUrl = null!;

    public async Task InitializeAsync()
    {
        _app.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        _baseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var chromium = Environment.GetEnvironmentVariable("SES_CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Chromium not found at {chromium}: run scripts/test.sh, which installs it.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<IPage> SignInAsync(string key)
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_baseUrl);
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#key-form button");
        return page;
    }

    [Fact]
    public async Task An_operator_finds_a_journey_and_sees_its_deadlines_emails_and_history()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        await _app.AdvanceAsync("P5D"); // the UCPR1 chase fires

        var page = await SignInAsync(SesApp.OperatorKey);
        var row = page.Locator($"#journeys tbody tr[data-id='{id}']");
        await row.WaitForAsync();
        Assert.Contains("overdue", await row.InnerTextAsync());
        await row.ClickAsync();

        await page.Locator("#history tbody tr").First.WaitForAsync();
        Assert.Contains($"Journey {id}", await page.InnerTextAsync("#detail-title"));
        var deadlines = await page.InnerTextAsync("#deadlines");
        Assert.Contains("ucpr1-chase", deadlines);
        Assert.Contains("missed", deadlines);
        Assert.Contains("ucpr1-chase", await page.InnerTextAsync("#notifications"));
        var history = await page.InnerTextAsync("#history");
        Assert.Contains("timer-fired:ucpr1-chase:due", history);
        Assert.Contains("system (system)", history); // SPEC 5.1: who did each thing
        Assert.Contains("prap-gateway (referral-system)", history);
        Assert.Contains("virtual clock", await page.InnerTextAsync("#clock"));
    }

    [Fact]
    public async Task Another_providers_key_does_not_list_the_journey_and_a_wrong_key_is_told_so()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));

        var other = await SignInAsync(SesApp.ProviderBKey);
        await other.Locator("#status").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("journey\\(s\\)") }).WaitForAsync();
        Assert.Equal(0, await other.Locator($"#journeys tbody tr[data-id='{id}']").CountAsync());

        var wrong = await SignInAsync("not-a-key");
        await wrong.Locator("#status").Filter(new() { HasText = "401" }).WaitForAsync();
    }
}
