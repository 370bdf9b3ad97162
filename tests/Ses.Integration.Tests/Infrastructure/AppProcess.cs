using System.Diagnostics;
using System.Text;

namespace Ses.Integration.Tests.Infrastructure;

/// <summary>
/// The real app as an operating-system process (<c>dotnet Ses.Functions.dll</c>) on 127.0.0.1, configured by environment
/// variables as in production. Fault tests kill it with SIGKILL: no finally block, no disposal, no graceful anything.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public int Pid => _process.Id;
    public bool Exited => _process.HasExited;

    /// <summary>What the process printed (for a failing test's message); never asserted on.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<AppProcess> StartAsync(string storage, string prefix, IDictionary<string, string?> settings)
    {
        var dll = Path.Combine(RepoRoot(), "src", "Ses.Functions", "bin", Configuration, "net10.0", "Ses.Functions.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is not built.");
        var port = Azurite.FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        var env = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing", // no local.settings.json: only what is given here
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Storage__ConnectionString"] = storage, ["Storage__Prefix"] = prefix,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings) env[key.Replace(":", "__")] = value;
        // SES_DEBUG_APP_LOGS=DIR: each process's output at Information, the task hub's included, to DIR/{pid}.log
        // (for finding out why a process test failed; never set in CI).
        var debugDir = Environment.GetEnvironmentVariable("SES_DEBUG_APP_LOGS");
        if (debugDir is not null)
        {
            env["Logging__LogLevel__Default"] = "Information";
            env["Logging__LogLevel__DurableTask"] = "Information";
            env["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        }
        foreach (var (key, value) in env) info.Environment[key] = value;
        var process = Process.Start(info)!;
        var app = new AppProcess(process, $"http://127.0.0.1:{port}");
        if (debugDir is not null) app._debug = new StreamWriter(Path.Combine(debugDir, $"{process.Id}.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The app exited at start-up: {app.Output}");
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
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The app did not start: {app.Output}");
            await Task.Delay(100);
        }
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        return client;
    }

    /// <summary>SIGKILL: the process dies where it stands.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
    }

    /// <summary>Sends a signal by name (STOP, CONT) with the system's kill command.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {pid} failed.");
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private StreamWriter? _debug;

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _debug?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        lock (_output) if (_output.Length < 200_000) _output.AppendLine(line);
    }

    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SesFunctions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("SesFunctions.sln not found above the test output.");
    }
}
