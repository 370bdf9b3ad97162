using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Ses.Integration.Tests.Api;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Infra;

/// <summary>Builds the deployable package once per run with the README's command (<c>bash infra/package.sh</c>).</summary>
public sealed class PackageFixture
{
    public PackageFixture()
    {
        Root = FunctionsHostTests.Root();
        var (exit, stdout, stderr) = Tool.Run("bash", "infra/package.sh", Root, TimeSpan.FromMinutes(10));
        Output = stdout + stderr;
        Exit = exit;
    }

    public string Root { get; }
    public int Exit { get; }
    public string Output { get; }
    public string Package => Path.Combine(Root, "artifacts", "package");
    public string Zip => Path.Combine(Root, "artifacts", "ses-functions.zip");
}

/// <summary>Issue 11: the package the Functions host runs: the executable, host.json naming it, one function.json per trigger, no local settings, no secrets.</summary>
[Collection(InfraCollection.Name)]
public sealed class PackageTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    [Fact]
    public void The_package_script_succeeds_and_writes_the_zip()
    {
        Assert.True(package.Exit == 0, package.Output);
        Assert.True(File.Exists(package.Zip), package.Output);
    }

    [Fact]
    public void Host_json_at_the_root_names_an_executable_linux_binary_in_the_package()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Package, "host.json")));
        var description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        var executable = Path.Combine(package.Package, description.GetProperty("defaultExecutablePath").GetString()!);
        Assert.True(Directory.Exists(Path.Combine(package.Package, description.GetProperty("workingDirectory").GetString()!)));
        Assert.True(File.Exists(executable), $"{executable} is missing");
        Assert.True(File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute));
        var magic = new byte[4];
        using (var stream = File.OpenRead(executable)) stream.ReadExactly(magic);
        Assert.Equal("\u007fELF"u8.ToArray(), magic);
        Assert.True(File.Exists(Path.Combine(package.Package, "app", "wwwroot", "index.html")));

        using var zip = ZipFile.OpenRead(package.Zip);
        var entry = zip.GetEntry(description.GetProperty("defaultExecutablePath").GetString()!);
        Assert.NotNull(entry);
        Assert.True(((entry.ExternalAttributes >> 16) & 0b001_000_000) != 0, "the executable lost its execute bit in the zip");
        Assert.NotNull(zip.GetEntry("host.json"));
    }

    [Fact]
    public void There_is_one_function_json_per_trigger_and_nothing_else_at_the_root()
    {
        var source = Directory.GetDirectories(Path.Combine(package.Root, "src", "Ses.Functions", "functions")).Select(d => Path.GetFileName(d)).Order().ToArray();
        var folders = Directory.GetDirectories(package.Package).Select(d => Path.GetFileName(d)).Where(n => n != "app").Order().ToArray();
        Assert.Equal(source, folders);
        Assert.Equal(["host.json"], Directory.GetFiles(package.Package).Select(f => Path.GetFileName(f)));
        foreach (var folder in folders)
        {
            var files = Directory.GetFiles(Path.Combine(package.Package, folder), "*", SearchOption.AllDirectories);
            Assert.Equal(["function.json"], files.Select(f => Path.GetFileName(f)));
            using var function = JsonDocument.Parse(File.ReadAllText(files[0]));
            Assert.Single(function.RootElement.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        }
        using var zip = ZipFile.OpenRead(package.Zip);
        foreach (var folder in folders) Assert.NotNull(zip.GetEntry($"{folder}/function.json"));
    }

    [Fact]
    public void The_package_holds_no_local_settings_and_no_secret()
    {
        var files = Directory.GetFiles(package.Package, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => Path.GetFileName(f).StartsWith("local.settings", StringComparison.OrdinalIgnoreCase));
        using (var zip = ZipFile.OpenRead(package.Zip))
        {
            Assert.DoesNotContain(zip.Entries, e => e.Name.StartsWith("local.settings", StringComparison.OrdinalIgnoreCase));
        }

        // The sample keys of local.settings.sample.json, the emulator's well-known account key, and connection strings.
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Root, "local.settings.sample.json")));
        var secrets = sample.RootElement.GetProperty("Values").EnumerateObject()
            .Where(p => p.Name.EndsWith("__Key", StringComparison.Ordinal) && p.Value.GetString() is { Length: > 0 })
            .Select(p => p.Value.GetString()!).ToList();
        Assert.NotEmpty(secrets);
        secrets.AddRange(["Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq", "AccountKey=", "SharedAccessSignature=", "DefaultEndpointsProtocol=", "SG."]);
        string[] text = [".json", ".xml", ".config", ".txt", ".html", ".js", ".css", ".env", ".ini", ".yaml", ".yml"];
        foreach (var file in files.Where(f => text.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)))
        {
            var content = File.ReadAllText(file, Encoding.UTF8);
            foreach (var secret in secrets)
            {
                Assert.False(content.Contains(secret, StringComparison.Ordinal), $"{Path.GetRelativePath(package.Package, file)} contains '{secret}'");
            }
        }
    }

    /// <summary>
    /// The packaged executable started the way the Functions host starts it (working directory and executable from
    /// host.json, FUNCTIONS_CUSTOMHANDLER_PORT, the app settings as environment variables), on Azurite.
    /// </summary>
    [Fact]
    public async Task The_packaged_app_starts_as_the_host_starts_it_and_answers_http_and_invocations()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Package, "host.json")));
        var description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        var port = Azurite.FreePort();
        var info = new ProcessStartInfo(Path.Combine(package.Package, description.GetProperty("defaultExecutablePath").GetString()!))
        {
            WorkingDirectory = Path.Combine(package.Package, description.GetProperty("workingDirectory").GetString()!),
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Storage__ConnectionString"] = Azurite.ConnectionString;
        info.Environment["Storage__Prefix"] = SesApp.NewPrefix();
        info.Environment["Docs__RequireKey"] = "true";
        info.Environment["Auth__ApiKeys__0__Key"] = "package-test-operator";
        info.Environment["Auth__ApiKeys__0__Role"] = "operator";
        using var process = Process.Start(info)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            HttpResponseMessage? health = null;
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    health = await http.GetAsync("/api/health");
                    break;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(250);
                }
            }
            Assert.True(health is { StatusCode: HttpStatusCode.OK }, string.Join('\n', output));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/openapi/v1.json")).StatusCode);

            // Under the host, one log line per entry (the host turns each console line into a log record).
            Assert.Contains(output, line => line.Contains("info: Microsoft.Hosting.Lifetime", StringComparison.Ordinal) &&
                line.Contains($"Now listening on: http://127.0.0.1:{port}", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
