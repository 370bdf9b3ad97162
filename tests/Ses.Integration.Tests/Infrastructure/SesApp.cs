using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ses.Integration.Tests.Infrastructure;

/// <summary>
/// The real app (the whole ASP.NET Core pipeline) on the shared Azurite, with its own <c>Storage:Prefix</c> so tests never
/// meet, the virtual clock, and sample API keys. The background dispatcher is off: tests move time with the clock API.
/// </summary>
public sealed class SesApp : WebApplicationFactory<Program>
{
    public const string ReferralKey = "test-referral-system";
    public const string ProviderAKey = "test-provider-a";
    public const string ProviderBKey = "test-provider-b";
    public const string OperatorKey = "test-operator";
    public const string OfficerKey = "test-nominated-officer";

    private readonly Dictionary<string, string?> _settings;

    public SesApp(DateTimeOffset? start = null, string? sendGridHost = null, IDictionary<string, string?>? settings = null, string? prefix = null)
    {
        Prefix = prefix ?? NewPrefix();
        _ownsStorage = prefix is null;
        _settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = Azurite.ConnectionString,
            ["Storage:Prefix"] = Prefix,
            ["Clock:Mode"] = "Virtual",
            ["Clock:Start"] = (start ?? new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero)).ToString("O"),
            // Counts as they are at each request; CaseloadTests checks the reuse of the default 30 seconds.
            ["Caseload:CountsMaxAge"] = "00:00:00",
            ["SendGrid:ApiKey"] = sendGridHost is null ? "" : "SG.test-key",
            ["SendGrid:Host"] = sendGridHost ?? "",
            ["Outbox:RetryBaseDelay"] = "00:00:00.010",
            ["Outbox:MaxRetryDelay"] = "00:00:00.200",
            // Generous in tests that share one Azurite on two cores; the stall test uses the production default.
            ["Storage:RequestTimeout"] = "00:00:10",
            // A second app on the same hub takes partitions from the first: a message the first held then waits this long
            // (the default, 5 minutes, is longer than a request waits for its answer; ADR 010).
            ["DurableTask:ControlQueueVisibilityTimeout"] = "00:00:15",
            ["SendGrid:From"] = "ses@provider.example",
            ["Inboxes:UcServiceCentre"] = "ucsc@dwp.example",
            ["Inboxes:SesPolicy"] = "ses-policy@dwp.example",
            ["Providers:prov-a:Name"] = "Provider A",
            ["Providers:prov-a:Email"] = "staff@prov-a.example",
            ["Providers:prov-a:ClaimsEmail"] = "claims@prov-a.example",
            ["Providers:prov-b:Name"] = "Provider B",
            ["Providers:prov-b:Email"] = "staff@prov-b.example",
            ["Providers:prov-b:ClaimsEmail"] = "claims@prov-b.example",
            ["Providers:prov-b:Region"] = "scotland",
            ["Auth:ApiKeys:0:Key"] = ReferralKey, ["Auth:ApiKeys:0:Role"] = "referral-system", ["Auth:ApiKeys:0:Name"] = "prap-gateway",
            ["Auth:ApiKeys:1:Key"] = ProviderAKey, ["Auth:ApiKeys:1:Role"] = "provider", ["Auth:ApiKeys:1:Provider"] = "prov-a",
            ["Auth:ApiKeys:1:Name"] = "prov-a-staff",
            ["Auth:ApiKeys:2:Key"] = ProviderBKey, ["Auth:ApiKeys:2:Role"] = "provider", ["Auth:ApiKeys:2:Provider"] = "prov-b",
            ["Auth:ApiKeys:3:Key"] = OperatorKey, ["Auth:ApiKeys:3:Role"] = "operator",
            ["Auth:ApiKeys:4:Key"] = OfficerKey, ["Auth:ApiKeys:4:Role"] = "nominated-officer", ["Auth:ApiKeys:4:Name"] = "no-officer",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) _settings[key] = value;
    }

    public string Prefix { get; }

    /// <summary>The app's configuration, for a second host on the same storage (the Functions app's container, say).</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>An app given no prefix made its own, and removes its storage when disposed; one given a prefix leaves it.</summary>
    private readonly bool _ownsStorage;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsStorage) await TestStorage.DeleteAllAsync(Prefix);
    }

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Every log line the app wrote, formatted, for the no-personal-data test.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(new CapturingLoggerProvider(Logs));
        });
    }

    public HttpClient Client(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        return client;
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// Waits (at most <paramref name="bound"/>, real time) until no email of the journey is queued, sending or waiting for a
    /// retry: the journey's orchestration delivers them on its own timers. True when they all settled in time.
    /// </summary>
    public async Task<bool> EmailsSettledAsync(string journeyId, TimeSpan bound)
    {
        var store = Service<Ses.Infrastructure.Journeys.JourneyStore>();
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var emails = await store.NotificationsAsync(journeyId);
            if (emails.All(n => n.Status is not (Ses.Infrastructure.Outbox.NotificationStatus.Queued or Ses.Infrastructure.Outbox.NotificationStatus.Sending
                    or Ses.Infrastructure.Outbox.NotificationStatus.Retrying))) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
    }

    public async Task<System.Text.Json.JsonElement> AdvanceAsync(string duration)
    {
        var response = await Client(OperatorKey).PostAsJsonAsync("/api/admin/clock", new { advanceBy = duration });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
    }
}

internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);
    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
