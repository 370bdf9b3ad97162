using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Dashboard;

/// <summary>
/// The app on Kestrel (127.0.0.1) and Debian's Chromium driven by Playwright, with the console's checks: axe-core
/// (from scripts/node_modules, installed by scripts/test.sh) for accessibility, no CSP violation, and screenshots
/// saved under the test output folder (<c>screenshots/</c>).
/// </summary>
public abstract class ConsoleBrowser : IAsyncLifetime
{
    protected SesApp App { get; } = new();
    protected string BaseUrl { get; private set; } = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly List<string> _violations = [];

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("SES_CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Chromium not found at {chromium}: run scripts/test.sh, which installs it.");
        try
        {
            App.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            App.StartServer();
            BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
        }
        catch
        {
            // A start that fails must not leave the app (and its background work on the shared Azurite) running for the
            // rest of the run.
            await App.DisposeAsync();
            throw;
        }
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        Assert.True(_violations.Count == 0, "Content security policy violations: " + string.Join("; ", _violations));
    }

    protected async Task<IPage> NewPageAsync()
    {
        var context = await _browser!.NewContextAsync(new() { AcceptDownloads = true, ViewportSize = new() { Width = 1280, Height = 900 }, TimezoneId = "UTC", Locale = "en-GB" });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Type == "error" && !message.Text.Contains("status of 4"))
            {
                lock (_violations) _violations.Add(message.Text);
            }
        };
        page.PageError += (_, error) => { lock (_violations) _violations.Add(error); };
        await page.GotoAsync(BaseUrl);
        return page;
    }

    protected async Task<IPage> SignInAsync(string key, IPage? page = null)
    {
        page ??= await NewPageAsync();
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#key-form button[type=submit]");
        if (key.StartsWith("test-", StringComparison.Ordinal)) await page.Locator("#who").Filter(new() { HasText = "Signed in as" }).WaitForAsync();
        return page;
    }

    protected static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    private static readonly Lazy<string> AxeSource = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "scripts", "node_modules", "axe-core", "axe.min.js");
            if (File.Exists(path)) return File.ReadAllText(path);
        }
        throw new FileNotFoundException("axe-core not found in scripts/node_modules: run scripts/test.sh, which installs it.");
    });

    /// <summary>Runs axe-core (WCAG 2.x A and AA rules) on the page as it is; serious and critical violations fail the test.</summary>
    protected static async Task AssertAccessibleAsync(IPage page, string what)
    {
        // Evaluated through the DevTools protocol, so the page's own CSP (no inline script) stays as it is.
        await page.EvaluateAsync(AxeSource.Value);
        var result = await page.EvaluateAsync<JsonElement>(
            "async () => { const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });" +
            " return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')); }");
        var violations = result.EnumerateArray().Select(v => v.GetString()).ToArray();
        Assert.True(violations.Length == 0, $"axe on {what}: " + string.Join("\n", violations));
    }
}
