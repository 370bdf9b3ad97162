using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ses.Bench;

/// <summary>
/// The app as its own process (<c>dotnet Ses.Functions.dll</c>, Release) on 127.0.0.1, configured by environment variables
/// as in Azure: its storage prefix, the virtual clock, API keys for the three callers, SendGrid pointed at the stand-in.
/// </summary>
public sealed class AppHost : IAsyncDisposable
{
    public const string ReferralKey = "bench-referral-system";
    public const string ProviderKey = "bench-provider-a";
    public const string OperatorKey = "bench-operator";

    /// <summary>Monday 2 March 2026 08:00 UTC: the referrals' UCPR1 chase is due at 09:00 on Friday 6 March.</summary>
    public static readonly DateTimeOffset ClockStart = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppHost(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public int Pid => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="extra">Settings over the defaults below (e.g. System mode for the timer phase).</param>
    public static async Task<AppHost> StartAsync(string dll, string storage, string prefix, string sendGridUrl, IReadOnlyDictionary<string, string>? extra = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing", // no local.settings.json: only what is set here
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Storage:ConnectionString"] = storage, ["Storage:Prefix"] = prefix,
            // A shared 2-core machine: a storage request may queue behind the load for a while (the default is 2 s).
            ["Storage:RequestTimeout"] = "00:00:30",
            ["Clock:Mode"] = "Virtual", ["Clock:Start"] = ClockStart.ToString("O", CultureInfo.InvariantCulture),
            ["SendGrid:ApiKey"] = "SG.bench", ["SendGrid:Host"] = sendGridUrl, ["SendGrid:From"] = "ses@provider.example",
            ["Inboxes:UcServiceCentre"] = "ucsc@dwp.example", ["Inboxes:SesPolicy"] = "ses-policy@dwp.example",
            ["Providers:prov-a:Name"] = "Provider A", ["Providers:prov-a:Email"] = "staff@prov-a.example",
            ["Providers:prov-a:ClaimsEmail"] = "claims@prov-a.example", ["Providers:prov-a:Region"] = "england-and-wales",
            ["Providers:prov-b:Name"] = "Provider B", ["Providers:prov-b:Email"] = "staff@prov-b.example",
            ["Providers:prov-b:ClaimsEmail"] = "claims@prov-b.example", ["Providers:prov-b:Region"] = "scotland",
            ["Auth:ApiKeys:0:Key"] = ReferralKey, ["Auth:ApiKeys:0:Role"] = "referral-system", ["Auth:ApiKeys:0:Name"] = "bench-referrals",
            ["Auth:ApiKeys:1:Key"] = ProviderKey, ["Auth:ApiKeys:1:Role"] = "provider", ["Auth:ApiKeys:1:Provider"] = "prov-a",
            ["Auth:ApiKeys:1:Name"] = "bench-prov-a",
            ["Auth:ApiKeys:2:Key"] = OperatorKey, ["Auth:ApiKeys:2:Role"] = "operator", ["Auth:ApiKeys:2:Name"] = "bench-operator",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) settings[key] = value;
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var app = new AppHost(process, $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The app exited at start-up:\n{app.Output}");
            try
            {
                if ((await http.GetAsync($"{app.BaseUrl}/api/health")).IsSuccessStatusCode) return app;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The app did not start:\n{app.Output}");
            await Task.Delay(200);
        }
    }

    public HttpClient Client(string key, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(30) };
        var client = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = timeout ?? TimeSpan.FromMinutes(30) };
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        return client;
    }

    /// <summary>Peak and current resident set of the app process (VmHWM, VmRSS in /proc/PID/status), in MB.</summary>
    public (double PeakMb, double CurrentMb) Memory()
    {
        double Read(string field)
        {
            var path = $"/proc/{Pid}/status";
            if (!File.Exists(path)) return double.NaN;
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            if (line is null) return double.NaN;
            var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return kb / 1024.0;
        }
        return (Read("VmHWM"), Read("VmRSS"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) if (_output.Length < 100_000) _output.AppendLine(line);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
